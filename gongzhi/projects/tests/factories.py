from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from gongzhi.projects.models import Phase, Project, Proposal, Result, Task
from gongzhi.testing.factories import CommunityFactory, UserFactory

ALL_ACTIONS = {
    "projects.propose": ["verified"], "projects.comment": ["member"],
    "projects.support": ["verified"], "projects.signup": ["member", "org_member"],
    "projects.donate": ["member", "org_member"], "projects.evaluate": ["verified"],
}


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"项目{n}")
    status = Project.Status.ACTIVE


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    project = factory.SubFactory(ProjectFactory)
    order = factory.Sequence(lambda n: n + 1)
    key = factory.Sequence(lambda n: f"phase{n}")
    name = factory.Sequence(lambda n: f"阶段{n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=5))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=5))
    actions = factory.LazyFunction(lambda: dict(ALL_ACTIONS))


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    project = factory.SubFactory(ProjectFactory)
    community = factory.SelfAttribute("project.community")
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"提案{n}")
    description = "在锅炉房旁边种花"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    community = factory.SelfAttribute("project.community")
    title = "清理锅炉房"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=2))
    ends_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=2, hours=3))
    capacity = 2


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Result

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"成果{n}")
