"""Household ledger import: every bad row reported with row and column, all-or-nothing."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from gongzhi.core.models import AuditEntry
from gongzhi.places.ledger import parse_ledger
from gongzhi.places.models import Building, Household, LedgerUpload, Unit
from gongzhi.places.services import ledger_import

GOOD_CSV = (
    "楼栋,单元,房号,建筑面积,产权类型,产权证号\n"
    "1,1,101,68.5,业主,A001\n"
    "1,1,102,70,公租房,\n"
    "1,2,201,55.25,租户,\n"
    "2,,301,80,其他,\n"
).encode("utf-8-sig")

BAD_CSV = (
    "楼栋,单元,房号,建筑面积,产权类型\n"
    "1,1,101,68.5,业主\n"
    "1,1,102,-3,公租房\n"     # row 3: negative area
    ",1,103,60,业主\n"       # row 4: no building
    "1,1,104,60,房东\n"      # row 5: unknown tenure
    "1,1,101,60,业主\n"      # row 6: duplicate of row 2
).encode()


def test_a_good_file_parses_every_row():
    report = parse_ledger("ledger.csv", GOOD_CSV)
    assert report.ok
    assert [r.tenure for r in report.rows] == ["owner", "public_rental", "private_rental",
                                               "other"]
    assert str(report.rows[2].floor_area_m2) == "55.25"
    assert report.buildings == 2


def test_every_bad_row_and_column_is_named():
    report = parse_ledger("ledger.csv", BAD_CSV)
    assert not report.ok
    found = {(e.row, e.column) for e in report.errors}
    assert found == {(3, "floor_area_m2"), (4, "building"), (5, "tenure"), (6, "room")}
    assert any("2" in e.message for e in report.errors if e.row == 6)


def test_missing_columns_are_reported():
    report = parse_ledger("x.csv", "楼栋,房号\n1,101\n".encode())
    assert "产权类型" in report.file_error and "tenure" not in report.file_error


def test_gb18030_files_from_old_excel_are_read():
    report = parse_ledger("x.csv", GOOD_CSV.decode("utf-8-sig").encode("gb18030"))
    assert report.ok and len(report.rows) == 4


def test_wrong_file_type_is_refused():
    assert parse_ledger("x.pdf", b"%PDF").file_error
    assert parse_ledger("x.xlsx", b"not a zip").file_error


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_with_numbers_as_floats():
    data = _xlsx([["楼栋", "单元", "房号", "建筑面积", "产权类型"], [3, 2, 502, 66.0, "业主"]])
    report = parse_ledger("ledger.xlsx", data)
    assert report.ok
    row = report.rows[0]
    assert (row.building, row.unit, row.room) == ("3", "2", "502")


@pytest.mark.django_db
def test_nothing_is_imported_while_any_row_is_invalid(personas):
    report = ledger_import(actor=personas.worker, community=personas.community,
                           filename="bad.csv", data=BAD_CSV, dry_run=False)
    assert not report.ok
    assert Household.objects.filter(community=personas.community).count() == 1  # fixture's


@pytest.mark.django_db
def test_import_creates_buildings_units_households_and_is_idempotent(personas):
    c = personas.community
    report = ledger_import(actor=personas.admin, community=c, filename="l.csv", data=GOOD_CSV,
                           dry_run=False)
    assert report.created == {"buildings": 2, "units": 2, "households_created": 4,
                              "households_updated": 0}
    assert Building.objects.filter(community=c).count() == 3  # + the fixture's building 3
    assert Unit.objects.filter(building__community=c).count() == 2
    again = ledger_import(actor=personas.admin, community=c, filename="l.csv", data=GOOD_CSV,
                          dry_run=False)
    assert again.created["households_created"] == 0
    assert again.created["households_updated"] == 4
    assert Household.objects.filter(community=c).count() == 5
    assert AuditEntry.objects.filter(action="ledger.import", community=c).count() == 2


@pytest.mark.django_db
def test_dry_run_writes_nothing(personas):
    ledger_import(actor=personas.worker, community=personas.community, filename="l.csv",
                  data=GOOD_CSV, dry_run=True)
    assert Household.objects.filter(community=personas.community).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "verified", "owner", "other_admin"])
def test_only_staff_may_import(personas, persona):
    with pytest.raises(PermissionDenied):
        ledger_import(actor=personas.user(persona), community=personas.community,
                      filename="l.csv", data=GOOD_CSV, dry_run=True)


@pytest.mark.django_db
def test_the_import_page_shows_errors_then_confirms(personas):
    client = personas.client("worker")
    url = f"/c/{personas.community.slug}/ledger/import/"
    bad = client.post(url, {"file": SimpleUploadedFile("bad.csv", BAD_CSV)})
    page = bad.content.decode()
    assert bad.status_code == 200
    assert "floor_area_m2" not in page and LedgerUpload.objects.count() == 0
    assert "<td>建筑面积</td>" in page and "<td>产权类型</td>" in page
    good = client.post(url, {"file": SimpleUploadedFile("good.csv", GOOD_CSV)})
    upload = LedgerUpload.objects.get()
    assert f"/import/{upload.pk}/confirm/" in good.content.decode()
    done = client.post(f"/c/{personas.community.slug}/ledger/import/{upload.pk}/confirm/")
    assert done.status_code == 302
    assert Household.objects.filter(community=personas.community).count() == 5
    # The same upload cannot be confirmed twice, nor by another worker.
    assert client.post(f"/c/{personas.community.slug}/ledger/import/{upload.pk}/confirm/"
                       ).status_code == 404


@pytest.mark.django_db
def test_ledger_search_by_building_and_room(personas):
    client = personas.client("worker")
    page = client.get(f"/c/{personas.community.slug}/ledger/?q=3-502").content.decode()
    assert "3-502" in page


@pytest.mark.django_db
def test_ledger_page_query_count_does_not_grow_with_households(personas,
                                                              django_assert_max_num_queries):
    from gongzhi.testing.factories import HouseholdFactory

    for i in range(40):
        HouseholdFactory(building=personas.household.building, room=f"9{i:02d}")
    client = personas.client("worker")
    with django_assert_max_num_queries(14):
        assert client.get(f"/c/{personas.community.slug}/ledger/").status_code == 200


def test_the_template_file_is_read_back_by_the_import():
    from gongzhi.places.ledger import template_workbook

    report = parse_ledger("台账模板.xlsx", template_workbook())
    assert report.ok, (report.file_error, report.errors)
    assert len(report.rows) == 1 and report.rows[0].tenure == "owner"


@pytest.mark.django_db
@pytest.mark.parametrize("persona,status", [("worker", 200), ("admin", 200), ("verified", 403),
                                            ("other_admin", 403)])
def test_template_download_for_staff_only(personas, persona, status):
    r = personas.client(persona).get(f"/c/{personas.community.slug}/ledger/template.xlsx")
    assert r.status_code == status
    if status == 200:
        assert r["Content-Type"].startswith("application/vnd.openxmlformats")
        assert r.content[:2] == b"PK"


def test_optional_residents_and_elderly_columns_are_read_and_checked():
    text = ("楼栋,房号,产权类型,户内人数,60岁及以上人数\n"
            "3,501,业主,3,1\n"
            "3,502,租户,,\n"
            "3,503,业主,2,3\n"
            "3,504,业主,abc,\n"
            "3,505,业主,2人,0\n")
    report = parse_ledger("台账.csv", text.encode("utf-8"))
    bad = {(e.row, e.column) for e in report.errors}
    assert bad == {(4, "elderly"), (5, "residents")}
    assert any("不能超过" in e.message or "cannot exceed" in e.message for e in report.errors)
    assert report.errors[0].header in {"60岁及以上人数", "户内人数"}


@pytest.mark.django_db
def test_residents_and_elderly_are_stored(personas):
    from gongzhi.places.models import Household
    from gongzhi.places.services import ledger_import

    text = "楼栋,房号,产权类型,户内人数,60岁及以上人数\n8,101,业主,3,2\n8,102,公租房,,\n"
    report = ledger_import(actor=personas.worker, community=personas.community,
                           filename="台账.csv", data=text.encode("utf-8"), dry_run=False)
    assert report.ok
    rows = dict(Household.objects.filter(building__number="8")
                .values_list("room", "elderly"))
    assert rows == {"101": 2, "102": None}


def test_template_has_the_need_columns():
    import io

    from openpyxl import load_workbook

    from gongzhi.places.ledger import template_workbook

    ws = load_workbook(io.BytesIO(template_workbook())).worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[-2:] == ["户内人数", "60岁及以上人数"]
