from gongzhi.testing.tour import add_pages

add_pages(("anonymous", "verified", "worker"), "/c/{slug}/contests/")
add_pages(("worker",), "/c/{slug}/contests/new/")
