"""A project's co-building day takes registrations only in a phase that opens them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.activities import services
from gongzhi.activities.tests.conftest import fresh, next_weekday_at
from gongzhi.projects.tests.helpers import freeze_phase
from gongzhi.volunteers.tests.test_rules import garden  # noqa: F401 - the project fixture

pytestmark = pytest.mark.django_db


def test_a_project_activity_follows_the_phase(personas, garden):  # noqa: F811
    from gongzhi.projects import services as psvc

    phase = garden.phases.get(key="co_construction")
    psvc.phase_update(actor=personas.worker, phase=phase, name=phase.name,
                      starts_on=phase.starts_on, ends_on=phase.ends_on,
                      actions={**phase.actions, "activities.register": ["verified"]})
    day = services.activity_create(actor=personas.worker, community=personas.community,
                                   title="花园共建日", first_start=next_weekday_at(9),
                                   location_text="锅炉房旧址", project=garden,
                                   category="green")
    occ = day.occurrences.get()
    with freeze_phase(phase):
        assert fresh(personas.verified).has_perm("activities.register", occ)
        assert not fresh(personas.resident).has_perm("activities.register", occ)
        page = personas.client("verified").get(
            reverse("projects:detail", args=[personas.community.slug, garden.pk]))
        assert "花园共建日" in page.content.decode()
    with freeze_phase(garden.phases.get(key="evaluation")):
        assert not fresh(personas.verified).has_perm("activities.register", occ)
