"""Persona × action matrix for announcements."""

from gongzhi.contests.tests.test_rules import ALL, STAFF, who_may
from gongzhi.news.tests.conftest import post

MEMBERS = {"resident", "verified", "owner", "volunteer"}


def test_create_announcement(personas, cast, orgs):
    assert who_may(cast, "news.create", personas.community) == STAFF | {"property_member"}


def test_publish_and_withdraw_are_for_staff_and_the_author_org(personas, cast, orgs):
    draft = post(personas.worker, personas.community, orgs["property"], publish=False)
    assert who_may(cast, "news.publish", draft) == STAFF | {"property_member"}
    party = post(personas.worker, personas.community, orgs["party"], publish=False)
    assert who_may(cast, "news.publish", party) == STAFF
    assert who_may(cast, "news.withdraw", party) == STAFF


def test_pin_is_for_workers(personas, cast, orgs):
    assert who_may(cast, "news.pin", personas.community) == STAFF


def test_read_confirmation_is_for_the_audience_of_an_important_notice(personas, cast, orgs,
                                                                      estate):
    everyone = post(personas.worker, personas.community, orgs["rc"], important=True)
    assert who_may(cast, "news.confirm_read", everyone) == MEMBERS
    b3 = post(personas.worker, personas.community, orgs["property"], important=True,
              audience="buildings", buildings=[estate["b3"]])
    assert who_may(cast, "news.confirm_read", b3) == {"owner"}
    plain = post(personas.worker, personas.community, orgs["rc"], title="普通通知")
    assert who_may(cast, "news.confirm_read", plain) == set()


def test_receipts_are_for_staff_and_the_author_org(personas, cast, orgs):
    a = post(personas.worker, personas.community, orgs["property"], important=True)
    assert who_may(cast, "news.view_receipts", a) == STAFF | {"property_member"}
    assert who_may(cast, "news.remind", a) == STAFF | {"property_member"}
    b = post(personas.worker, personas.community, orgs["party"], important=True)
    assert who_may(cast, "news.view_receipts", b) == STAFF


def test_who_may_read_a_building_notice(personas, cast, orgs, estate):
    everyone = post(personas.worker, personas.community, orgs["rc"])
    assert who_may(cast, "news.view", everyone) == set(ALL)
    b3 = post(personas.worker, personas.community, orgs["property"], audience="buildings",
              buildings=[estate["b3"]])
    assert who_may(cast, "news.view", b3) == STAFF | {"owner", "property_member"}
    draft = post(personas.worker, personas.community, orgs["rc"], publish=False)
    assert who_may(cast, "news.view", draft) == STAFF
