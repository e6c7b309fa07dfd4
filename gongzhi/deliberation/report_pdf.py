"""The conversation's report for a council or hearing (一图三会), as a printable A4 PDF.

Drawn with reportlab and its built-in ``STSong-Light`` CID font (as the analytics report, so
no font file is shipped). The opinion map is a vector drawing: each participant a dot in
their group's colour, by number only; the statements are the same lists as the HTML report,
with counts, so the figures read without the picture.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gongzhi.analytics.report_pdf import _font

# the same colours as the opinion map on the page
GROUP_COLOURS = ["#2563eb", "#d97706", "#059669", "#7c3aed", "#dc2626"]


def _map_drawing(snapshot: Any, width: float, height: float, font: str) -> Drawing:
    d = Drawing(width, height)
    d.add(Rect(0, 0, width, height, strokeColor=colors.HexColor("#999999"),
               fillColor=colors.white, strokeWidth=0.5))
    points = list((snapshot.data.get("participants", {}) or {}).values())
    groups = snapshot.data.get("groups", [])
    index = {g["id"]: i for i, g in enumerate(groups)}
    if not points:
        return d
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    pad = 10

    def sx(x: float) -> float:
        return pad + (x - x0) / ((x1 - x0) or 1) * (width - 2 * pad)

    def sy(y: float) -> float:
        return pad + (y - y0) / ((y1 - y0) or 1) * (height - 2 * pad)

    d.add(Line(sx(0), 0, sx(0), height, strokeColor=colors.HexColor("#dddddd"),
               strokeWidth=0.5))
    d.add(Line(0, sy(0), width, sy(0), strokeColor=colors.HexColor("#dddddd"),
               strokeWidth=0.5))
    for x, y, g in points:
        i = index.get(g)
        colour = colors.HexColor(GROUP_COLOURS[i % len(GROUP_COLOURS)]) if i is not None \
            else colors.HexColor("#bbbbbb")
        d.add(Circle(sx(x), sy(y), 1.8, fillColor=colour, strokeColor=None))
    for i, g in enumerate(groups):
        cx, cy = g["center"]
        d.add(String(sx(cx) + 4, sy(cy) + 4, _("Group %(label)s") % {"label": chr(65 + i)},
                     fontName=font, fontSize=9,
                     fillColor=colors.HexColor(GROUP_COLOURS[i % len(GROUP_COLOURS)])))
    return d


def conversation_report_pdf(conversation: Any, snapshot: Any, results: dict,
                            n_statements: int) -> bytes:
    """The PDF bytes of the report; ``results`` is ``selectors.results(...)``."""
    font = _font()
    h1 = ParagraphStyle("h1", fontName=font, fontSize=17, leading=23, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=12.5, leading=17, spaceBefore=10,
                        spaceAfter=4)
    body = ParagraphStyle("b", fontName=font, fontSize=9.5, leading=14)
    small = ParagraphStyle("s", fontName=font, fontSize=8, leading=11,
                           textColor=colors.HexColor("#555555"))
    cell = ParagraphStyle("c", fontName=font, fontSize=9, leading=12)

    def table(rows: list[list[Any]], widths: list[float]) -> Table:
        t = Table([[Paragraph(str(c), cell) for c in r] for r in rows], colWidths=widths,
                  repeatRows=1)
        t.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        return t

    text_w, count_w = 120 * mm, 50 * mm

    def statements(items: list[dict], how: str, empty: str) -> Any:
        if not items:
            return Paragraph(empty, body)
        rows: list[list[Any]] = [[_("Statement"), _("Votes")]]
        for s in items:
            if how == "disagree":
                counts = _("%(d)d of %(n)d disagree") % {"d": s["disagree"], "n": s["seen"]}
            else:
                counts = _("%(a)d of %(n)d agree") % {"a": s["agree"], "n": s["seen"]}
                if "min_agree_pct" in s:
                    counts += "，" + _("in the least convinced group, about %(p)d in 100 "
                                        "agree") % {"p": s["min_agree_pct"]}
            rows.append([f"{s['number']}. {s['text']}", counts])
        return table(rows, [text_w, count_w])

    community = conversation.community
    story: list[Any] = [
        Paragraph(conversation.question, h1),
        Paragraph(community.name + (f"，{conversation.project.title}"
                                    if conversation.project_id else ""), body),
    ]
    if conversation.description:
        story.append(Paragraph(conversation.description, body))
    if snapshot is None:
        story.append(Paragraph(_("No votes yet."), body))
    else:
        story += [
            Spacer(1, 4),
            Paragraph(_("%(p)d participants cast %(n)d votes on %(s)d statements; they form "
                        "%(k)d opinion groups (as of %(when)s).") % {
                "p": snapshot.participant_count, "n": snapshot.vote_count, "s": n_statements,
                "k": snapshot.k,
                "when": date_format(timezone.localtime(snapshot.computed_at),
                                    "DATETIME_FORMAT")}, body),
            Paragraph(_("The opinion map"), h2),
            Paragraph(_("Each dot is one participant, placed near the people who voted like "
                        "them; colours are the opinion groups. Participants are shown by "
                        "number only."), small),
            _map_drawing(snapshot, 170 * mm, 85 * mm, font),
            Paragraph(_("What every group agrees on"), h2),
            statements(results["group_informed"], "agree",
                       _("No statement is agreed on by every group yet.")),
            Paragraph(_("What most participants agree on"), h2),
            statements(results["consensus"], "agree", _("Not yet clear.")),
        ]
        if results["consensus_disagree"]:
            story += [Paragraph(_("What most participants reject"), h2),
                      statements(results["consensus_disagree"], "disagree", "")]
        for g in results["groups"]:
            story.append(Paragraph(ngettext("Group %(label)s: %(n)d person",
                                            "Group %(label)s: %(n)d people", g["size"])
                                   % {"label": g["label"], "n": g["size"]}, h2))
            rows: list[list[Any]] = [[_("What sets this group apart"), _("In this group")]]
            for s in g["repness"]:
                stance = _("agree") if s.get("repful_for") == "agree" else _("disagree")
                rows.append([f"[{stance}] {s['number']}. {s['text']}",
                             _("%(k)d of %(n)d in this group") % {
                                 "k": s.get("n_success", 0), "n": s.get("n_trials", 0)}])
            story.append(table(rows, [text_w, count_w]))
    story += [Spacer(1, 8), Paragraph(_("How the groups are found: see the Deliberation page "
                                        "of the documentation."), small)]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm,
                            title=conversation.question, author=community.name)
    doc.build(story)
    return buf.getvalue()
