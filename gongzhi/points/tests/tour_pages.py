from gongzhi.testing.tour import add_pages

add_pages(("anonymous", "verified", "worker"), "/c/{slug}/points/rewards/",
          "/c/{slug}/points/leaderboard/")
add_pages(("verified", "worker"), "/c/{slug}/points/", "/c/{slug}/points/redemptions/")
add_pages(("worker",), "/c/{slug}/points/manage/", "/c/{slug}/points/manage/rules/",
          "/c/{slug}/points/manage/adjust/", "/c/{slug}/points/manage/rewards/",
          "/c/{slug}/points/manage/rewards/new/", "/c/{slug}/points/queue/",
          "/c/{slug}/points/manage/report/")
