"""Importing the household ledger (台账) from CSV or XLSX.

All rows are checked before anything is written; one bad row means nothing is imported,
and the report names every bad row and column so a worker can fix the spreadsheet once.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_ROWS = 50_000

# Accepted header spellings → canonical column. Community workers keep ledgers in Excel
# with Chinese headers; English ones are accepted for exports from other systems.
HEADERS: dict[str, str] = {
    "building": "building", "楼栋": "building", "楼号": "building", "楼栋号": "building",
    "unit": "unit", "单元": "unit", "单元号": "unit",
    "room": "room", "房号": "room", "门牌号": "room", "室": "room", "房间号": "room",
    "floor_area_m2": "floor_area_m2", "floor area": "floor_area_m2", "area": "floor_area_m2",
    "建筑面积": "floor_area_m2", "面积": "floor_area_m2", "建筑面积(m²)": "floor_area_m2",
    "建筑面积（平方米）": "floor_area_m2", "面积(㎡)": "floor_area_m2",
    "tenure": "tenure", "产权类型": "tenure", "居住类型": "tenure", "类型": "tenure",
    "owner_key": "owner_key", "owner": "owner_key", "产权证号": "owner_key",
    "业主编号": "owner_key",
    "compound": "compound", "小区": "compound",
    "is_shop": "is_shop", "shop": "is_shop", "商铺": "is_shop",
    "note": "note", "备注": "note",
    "residents": "residents", "persons": "residents", "人数": "residents",
    "户内人数": "residents", "居住人数": "residents", "常住人数": "residents",
    "elderly": "elderly", "60岁以上人数": "elderly", "60岁及以上人数": "elderly",
    "老年人数": "elderly", "老人数": "elderly", "60岁以上": "elderly",
}
REQUIRED = ("building", "room", "tenure")

# The header a worker sees for each column (used in error messages and the template file).
COLUMN_LABELS: dict[str, str] = {
    "building": "楼栋", "unit": "单元", "room": "房号", "floor_area_m2": "建筑面积",
    "tenure": "产权类型", "owner_key": "产权证号", "compound": "小区", "is_shop": "商铺",
    "note": "备注", "residents": "户内人数", "elderly": "60岁及以上人数",
}
# The template file offered for download: headers in this order and one example row.
TEMPLATE_COLUMNS = ("building", "unit", "room", "floor_area_m2", "tenure", "owner_key",
                    "compound", "is_shop", "note", "residents", "elderly")
TEMPLATE_EXAMPLE = ("3", "2", "501", "68.5", "业主", "京房权证字第0001号", "四平园", "否", "",
                    "3", "1")
MAX_PERSONS = 30  # a dwelling with more is a typo (or a dormitory: enter it per room)

TENURE_WORDS: dict[str, str] = {
    "owner": "owner", "业主": "owner", "自有": "owner", "产权": "owner", "自住": "owner",
    "public_rental": "public_rental", "公租房": "public_rental", "公租": "public_rental",
    "公租房租户": "public_rental", "保障房": "public_rental",
    "private_rental": "private_rental", "租户": "private_rental", "私人租户": "private_rental",
    "出租": "private_rental", "租住": "private_rental",
    "other": "other", "其他": "other",
}
TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "商铺"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否"}


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str
    header: str = ""

    def __post_init__(self) -> None:
        if not self.header:
            self.header = COLUMN_LABELS.get(self.column, self.column)


@dataclass
class LedgerRow:
    row: int
    building: str
    unit: str
    room: str
    floor_area_m2: Decimal | None
    tenure: str
    owner_key: str = ""
    compound: str = ""
    is_shop: bool = False
    note: str = ""
    residents: int | None = None
    elderly: int | None = None


@dataclass
class LedgerReport:
    rows: list[LedgerRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    created: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error

    @property
    def buildings(self) -> int:
        return len({r.building for r in self.rows})


def _read_table(name: str, data: bytes) -> list[list[str]]:
    lower = name.lower()
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        table = []
        for row in ws.iter_rows(values_only=True):
            table.append(["" if v is None else _cell_text(v) for v in row])
            if len(table) > MAX_ROWS + 1:
                break
        wb.close()
        return table
    if lower.endswith(".csv") or lower.endswith(".txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError(_("The file is not UTF-8 or GB18030 text."))
        return list(csv.reader(io.StringIO(text)))
    raise ValueError(_("Upload a .csv or .xlsx file."))


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_ledger(name: str, data: bytes) -> LedgerReport:
    report = LedgerReport()
    table, report.file_error = _load_table(name, data)
    if report.file_error:
        return report
    columns = _columns(table[0])
    # Errors name a column the way the worker's own file names it.
    headers = {canon: table[0][idx].strip() for canon, idx in columns.items()}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        report.file_error = _(
            "Missing columns: %(columns)s. The first row must name the columns, e.g. "
            "楼栋, 单元, 房号, 建筑面积, 产权类型."
        ) % {"columns": "、".join(COLUMN_LABELS[c] for c in missing)}
        return report
    seen: dict[tuple[str, str, str], int] = {}
    for offset, raw in enumerate(table[1:], start=2):
        row, row_errors = _read_row(offset, _Cells(raw, columns), seen)
        for err in row_errors:
            err.header = headers.get(err.column) or err.header
        report.errors.extend(row_errors)
        if row is not None:
            report.rows.append(row)
    if not report.rows and not report.errors:
        report.file_error = _("The file has a header but no households.")
    return report


def _count(offset: int, column: str, text: str, errors: list[RowError]) -> int | None:
    text = text.replace("人", "").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_PERSONS:
        errors.append(RowError(offset, column, text, _(
            "Must be a whole number of people from 0 to %(max)s, or left empty.")
            % {"max": MAX_PERSONS}))
        return None
    return value


def _persons(offset: int, residents_text: str, elderly_text: str, errors: list[RowError]
             ) -> tuple[int | None, int | None]:
    """The optional household size and number of residents aged 60 or over."""
    residents = _count(offset, "residents", residents_text, errors)
    elderly = _count(offset, "elderly", elderly_text, errors)
    if residents is not None and elderly is not None and elderly > residents:
        errors.append(RowError(offset, "elderly", elderly_text, _(
            "Residents aged 60 or over (%(elderly)s) cannot exceed the household's residents "
            "(%(residents)s).") % {"elderly": elderly, "residents": residents}))
        elderly = None
    return residents, elderly


def _load_table(name: str, data: bytes) -> tuple[list[list[str]], str]:
    """The non-empty rows of the file, or the reason it cannot be used."""
    try:
        table = _read_table(name, data)
    except ValueError as exc:
        return [], str(exc)
    except Exception:  # openpyxl raises many kinds for a corrupt workbook
        return [], _("The file could not be read. Save it again as .xlsx or .csv.")
    table = [row for row in table if any(c.strip() for c in row)]
    if not table:
        return [], _("The file is empty.")
    if len(table) > MAX_ROWS + 1:
        return [], _("The file has more than %(max)s rows. Split it into parts.") % {
            "max": MAX_ROWS}
    return table, ""


def _columns(first_row: list[str]) -> dict[str, int]:
    """Which column holds what, from the header row (Chinese or English names)."""
    columns: dict[str, int] = {}
    for idx, text in enumerate(first_row):
        canon = HEADERS.get(text.strip().lower()) or HEADERS.get(text.strip())
        if canon and canon not in columns:
            columns[canon] = idx
    return columns


@dataclass
class _Cells:
    raw: list[str]
    columns: dict[str, int]

    def __call__(self, col: str) -> str:
        idx = self.columns.get(col)
        return self.raw[idx].strip() if idx is not None and idx < len(self.raw) else ""


def _read_row(offset: int, cell: _Cells, seen: dict[tuple[str, str, str], int]
              ) -> tuple[LedgerRow | None, list[RowError]]:
    """One household row, or every problem it has (each naming its column)."""
    building, unit, room = cell("building"), cell("unit"), cell("room")
    row_errors = _address_errors(offset, building, room)
    area, area_errors = _floor_area(offset, cell("floor_area_m2"))
    row_errors += area_errors
    tenure_text = cell("tenure")
    tenure = TENURE_WORDS.get(tenure_text.lower()) or TENURE_WORDS.get(tenure_text)
    if tenure is None:
        row_errors.append(RowError(offset, "tenure", tenure_text, _(
            "Tenure must be one of: 业主 (owner), 公租房 (public-rental tenant), "
            "租户 (private tenant), 其他 (other).")))
    shop_text = cell("is_shop").lower()
    if shop_text not in TRUE_WORDS and shop_text not in FALSE_WORDS:
        row_errors.append(RowError(offset, "is_shop", shop_text,
                                   _("Shop must be 是 or 否 (yes or no).")))
    residents, elderly = _persons(offset, cell("residents"), cell("elderly"), row_errors)
    key = (building, unit, room)
    if building and room:
        if key in seen:
            row_errors.append(RowError(offset, "room", room, _(
                "This household already appears in row %(row)s.") % {"row": seen[key]}))
        else:
            seen[key] = offset
    if row_errors:
        return None, row_errors
    return LedgerRow(
        row=offset, building=building, unit=unit, room=room, floor_area_m2=area,
        tenure=tenure or "other", owner_key=cell("owner_key")[:64],
        compound=cell("compound")[:100], is_shop=shop_text in TRUE_WORDS,
        note=cell("note")[:200], residents=residents, elderly=elderly,
    ), []


def _address_errors(offset: int, building: str, room: str) -> list[RowError]:
    errors: list[RowError] = []
    if not building:
        errors.append(RowError(offset, "building", "", _("Building is empty.")))
    elif len(building) > 30:
        errors.append(RowError(offset, "building", building,
                               _("Building number is longer than 30 characters.")))
    if not room:
        errors.append(RowError(offset, "room", "", _("Room is empty.")))
    elif len(room) > 20:
        errors.append(RowError(offset, "room", room, _("Room is longer than 20 characters.")))
    return errors


def _floor_area(offset: int, text: str) -> tuple[Decimal | None, list[RowError]]:
    """Square metres (68.5, "68.5㎡", "1,068"), blank for unknown."""
    area_text = text.replace("㎡", "").replace("m²", "").strip()
    if not area_text:
        return None, []
    try:
        area = Decimal(area_text.replace(",", ""))
        if area <= 0 or area >= Decimal("1000000"):
            raise InvalidOperation
        return area.quantize(Decimal("0.01")), []
    except InvalidOperation:
        return None, [RowError(offset, "floor_area_m2", area_text, _(
            "Floor area must be a positive number of square metres, e.g. 68.5."))]


def template_workbook() -> bytes:
    """The ledger template a worker downloads: the Chinese headers the import reads, one
    example row, and a second sheet explaining each column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append([COLUMN_LABELS[c] for c in TEMPLATE_COLUMNS])
    ws.append(list(TEMPLATE_EXAMPLE))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEEE8")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    for letter, width in zip("ABCDEFGHIJK", (8, 8, 8, 12, 12, 22, 14, 8, 20, 10, 14),
                             strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    tenure = DataValidation(type="list", formula1='"业主,公租房,租户,其他"', allow_blank=False)
    shop = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    ws.add_data_validation(tenure)
    ws.add_data_validation(shop)
    tenure.add(f"E2:E{MAX_ROWS + 1}")
    shop.add(f"H2:H{MAX_ROWS + 1}")
    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "必填", "说明"])
    for cell in notes[1]:
        cell.font = bold
    for row in (
        ("楼栋", "是", "楼号，如 3 或 3号楼"),
        ("单元", "否", "单元号；没有单元的楼留空"),
        ("房号", "是", "如 501；同一楼栋、单元内不能重复"),
        ("建筑面积", "否", "平方米，正数，如 68.5；业主表决按面积计算时需要"),
        ("产权类型", "是", "业主、公租房、租户或其他"),
        ("产权证号", "否", "业主的产权证号或编号；同一业主多套房填同一编号"),
        ("小区", "否", "所属小区名称"),
        ("商铺", "否", "是或否"),
        ("备注", "否", "不超过200字"),
        ("户内人数", "否", "该户实际居住人数，0–30 的整数；不清楚留空"),
        ("60岁及以上人数", "否",
         "其中60岁及以上的人数，不超过户内人数；用于按老年人需求分析设施可达性，不清楚留空"),
    ):
        notes.append(list(row))
    notes.column_dimensions["A"].width = 12
    notes.column_dimensions["C"].width = 50
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
