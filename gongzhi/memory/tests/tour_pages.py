"""The memory archive's pages in the browser tour (gongzhi/testing/tour.py)."""

from gongzhi.testing.tour import add_pages

add_pages(("anonymous", "verified", "worker"), "/c/{slug}/memory/",
          "/c/{slug}/memory/items/", "/c/{slug}/memory/items/?q=锅炉房",
          "/c/{slug}/memory/timeline/", "/c/{slug}/memory/map/")
add_pages(("verified", "worker"), "/c/{slug}/memory/new/", "/c/{slug}/memory/me/")
add_pages(("worker",), "/c/{slug}/memory/moderation/", "/c/{slug}/memory/record/",
          "/c/{slug}/memory/collections/new/")
