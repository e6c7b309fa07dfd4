"""The activity pages in the browser tour (gongzhi/testing/tour.py)."""

from gongzhi.testing.tour import add_pages

add_pages(("anonymous", "verified", "worker"), "/c/{slug}/activities/")
add_pages(("verified", "worker"), "/c/{slug}/activities/children/")
add_pages(("worker",), "/c/{slug}/activities/new/", "/c/{slug}/volunteers/new/")
