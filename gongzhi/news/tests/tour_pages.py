from gongzhi.testing.tour import add_pages

add_pages(("anonymous", "verified", "worker"), "/c/{slug}/news/", "/c/{slug}/feed/")
add_pages(("verified", "worker"), "/c/{slug}/feed/settings/")
add_pages(("worker",), "/c/{slug}/news/new/")
