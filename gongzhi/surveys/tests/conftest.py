from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from gongzhi.testing.fixtures import personas  # noqa: F401


def make_xlsform(survey_rows, choice_rows=(), settings=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    for r in survey_rows:
        ws.append(list(r))
    cs = wb.create_sheet("choices")
    for r in choice_rows:
        cs.append(list(r))
    if settings is not None:
        st = wb.create_sheet("settings")
        for r in settings:
            st.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SURVEY_HEAD = ["type", "name", "label::Chinese (zh)", "label::English (en)", "required",
               "relevant", "constraint", "constraint_message::Chinese (zh)", "appearance",
               "choice_filter", "calculation", "subscale", "reverse"]
GARDEN_FORM = {
    "survey_rows": [
        SURVEY_HEAD,
        ["begin group", "you", "关于您", "About you", "", "", "", "", "", "", "", "", ""],
        ["integer", "age", "您的年龄", "Your age", "yes", "", ". >= 0 and . <= 120",
         "请填写 0 到 120 之间的数", "", "", "", "", ""],
        ["select_one area", "area", "您住在哪个片区", "Area", "yes", "", "", "", "", "", "",
         "", ""],
        ["select_one bld", "building", "楼号", "Building", "", "", "", "", "", "area=${area}",
         "", "", ""],
        ["end group", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["begin group", "garden", "花园", "Garden", "", "", "", "", "", "", "", "", ""],
        ["select_multiple uses", "uses", "您希望花园有什么", "Uses", "yes", "", "", "", "",
         "", "", "", ""],
        ["text", "why_seat", "为什么需要座椅", "Why seats", "",
         "selected(${uses}, 'seat')", "", "", "", "", "", "", ""],
        ["select_one agree", "b1", "我觉得自己是社区的一员", "I belong", "", "", "", "",
         "likert", "", "", "bel", ""],
        ["select_one agree", "b2", "我在这里像个外人", "Outsider", "", "", "", "", "likert",
         "", "", "bel", "yes"],
        ["calculate", "n_uses", "", "", "", "", "", "", "", "", "count-selected(${uses})", "",
         ""],
        ["end group", "", "", "", "", "", "", "", "", "", "", "", ""],
    ],
    "choice_rows": [
        ["list_name", "name", "label::Chinese (zh)", "label::English (en)", "area"],
        ["area", "east", "东片", "East", ""],
        ["area", "west", "西片", "West", ""],
        ["bld", "e1", "东1号楼", "E1", "east"],
        ["bld", "w1", "西1号楼", "W1", "west"],
        ["uses", "seat", "座椅", "Seats", ""],
        ["uses", "plants", "种植", "Planting", ""],
        ["uses", "play", "儿童游戏", "Play", ""],
        *[["agree", str(i), z, e, ""] for i, z, e in
          [(1, "不同意", "Disagree"), (2, "一般", "Neutral"), (3, "同意", "Agree")]],
    ],
    "settings": [["form_title", "form_title::English (en)", "form_id", "version",
               "default_language"],
              ["花园需求调查", "Garden needs", "garden_needs", "1", "Chinese (zh)"]],
}


@pytest.fixture
def garden_xlsx() -> bytes:
    return make_xlsform(**GARDEN_FORM)
