from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.projects.tests.factories import PhaseFactory, ProjectFactory


@pytest.fixture
def project(personas):
    """A project in the personas' community with one open phase allowing everything
    (members comment; verified residents propose, support, evaluate; sign-up for all)."""
    p = ProjectFactory(community=personas.community, title="锅炉房花园")
    today = timezone.localdate()
    PhaseFactory(project=p, order=1, key="closed", name="已结束",
                 starts_on=today - dt.timedelta(days=40), ends_on=today - dt.timedelta(days=20),
                 actions={"projects.propose": ["verified"]})
    PhaseFactory(project=p, order=2, key="open", name="进行中")
    PhaseFactory(project=p, order=3, key="later", name="以后",
                 starts_on=today + dt.timedelta(days=20), ends_on=today + dt.timedelta(days=40),
                 actions={})
    return p
