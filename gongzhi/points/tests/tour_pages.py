from gongzhi.testing.tour import add_pages

add_pages(("anonymous", "verified", "worker"), "/c/{slug}/points/rewards/",
          "/c/{slug}/points/leaderboard/")
# a balance and redemptions belong to residents (workers hold no points here)
add_pages(("verified",), "/c/{slug}/points/", "/c/{slug}/points/redemptions/")
add_pages(("worker",), "/c/{slug}/points/manage/", "/c/{slug}/points/manage/rules/",
          "/c/{slug}/points/manage/adjust/", "/c/{slug}/points/manage/rewards/",
          "/c/{slug}/points/manage/rewards/new/", "/c/{slug}/points/queue/",
          "/c/{slug}/points/manage/report/")
