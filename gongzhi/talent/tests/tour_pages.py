from gongzhi.testing.tour import add_pages

add_pages(("verified",), "/c/{slug}/talent/")
add_pages(("worker",), "/c/{slug}/talent/pool/")
