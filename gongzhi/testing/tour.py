"""The pages of the browser tour, per persona, as data.

``TOUR`` maps a persona (see ``gongzhi.testing.fixtures.Personas``) to URL templates; the
placeholders are filled from the objects ``tour_data`` creates (``{slug}``, ``{ballot}``,
``{closed_ballot}``, ``{meeting}``, ``{report}``, ``{project}``, ``{result}``). A new app adds
its pages with ``add_pages(("verified", "worker"), "/c/{slug}/volunteers/")`` in its own
``tests/tour_pages.py`` (imported by the tour) — no edit here needed.
"""

from __future__ import annotations

RESIDENT_PAGES = [
    "/c/{slug}/", "/c/{slug}/map/", "/c/{slug}/spaces/", "/c/{slug}/reports/",
    "/c/{slug}/reports/{report}/", "/c/{slug}/projects/", "/c/{slug}/projects/{project}/",
    "/c/{slug}/results/", "/c/{slug}/meetings/", "/c/{slug}/meetings/{meeting}/",
    "/c/{slug}/ballots/", "/c/{slug}/ballots/{ballot}/", "/c/{slug}/ballots/{ballot}/receipts/",
    "/c/{slug}/ballots/{closed_ballot}/results/", "/c/{slug}/orgs/",
]
SIGNED_IN_PAGES = ["/me/input/", "/inbox/", "/accounts/me/"]
WORKER_PAGES = [
    "/c/{slug}/verification/", "/c/{slug}/verification/matching/", "/c/{slug}/ledger/",
    "/c/{slug}/ledger/import/",
    "/c/{slug}/reports/queue/", "/c/{slug}/reports/stats/", "/c/{slug}/moderation/",
    "/c/{slug}/ballots/new/", "/c/{slug}/ballots/new/?kind=pb",
    "/c/{slug}/ballots/new/?kind=art278", "/c/{slug}/meetings/{meeting}/manage/",
]
# People and roles, and the audit log, are the community admin's (accounts.manage_roles,
# core.view_audit_log: docs/user-guide.md §5, core/tests/test_permission_matrix.py).
ADMIN_PAGES = ["/c/{slug}/people/", "/c/{slug}/audit/"]

TOUR: dict[str, list[str]] = {
    "anonymous": ["/", "/accounts/login/", *RESIDENT_PAGES],
    "verified": [*RESIDENT_PAGES, *SIGNED_IN_PAGES, "/c/{slug}/reports/new/"],
    "worker": [*RESIDENT_PAGES, *SIGNED_IN_PAGES, *WORKER_PAGES],
    "admin": ADMIN_PAGES,
}


def add_pages(personas: tuple[str, ...], *paths: str) -> None:
    for name in personas:
        TOUR.setdefault(name, [])
        TOUR[name].extend(p for p in paths if p not in TOUR[name])


def tour_urls(data: dict[str, object]) -> list[tuple[str, str]]:
    """(persona, path) for every page, placeholders filled."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tests.tour_pages")
    return [(name, path.format(**data)) for name, paths in TOUR.items() for path in paths]
