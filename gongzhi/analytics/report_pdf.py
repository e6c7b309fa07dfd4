"""The community report as PDF, drawn with reportlab.

Why reportlab: it installs from PyPI wheels with nothing from Debian, and its built-in
``STSong-Light`` CID font (Adobe's Chinese font pack, referenced, not embedded) renders
Chinese without shipping a font file; WeasyPrint would need Pango and fonts-noto-cjk on
every server. Charts are in the HTML report; the PDF carries the same figures as tables.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _fmt(v: Any, digits: int = 2, pct: bool = False) -> str:
    if v is None:
        return "—"
    if pct:
        return f"{v * 100:.0f}%"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def community_report_pdf(community, eq, kpi, waves) -> bytes:
    from gongzhi.analytics import selectors

    font = _font()
    h1 = ParagraphStyle("h1", fontName=font, fontSize=18, leading=24, spaceAfter=8)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=13, leading=18, spaceBefore=10,
                        spaceAfter=4)
    body = ParagraphStyle("b", fontName=font, fontSize=9.5, leading=14)
    cell = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=11)

    def table(rows: list[list[Any]]) -> Table:
        data = [[Paragraph(str(c), cell) for c in r] for r in rows]
        t = Table(data, repeatRows=1)
        t.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        return t

    groups = list(dict.fromkeys(s.group for r in eq.by_activity for s in r["shares"]))
    story: list[Any] = [
        Paragraph(_("%(community)s: participation and governance report")
                  % {"community": community.name}, h1),
        Paragraph(_("Counts only, never people. Composition from the household ledger."),
                  body),
        Paragraph(_("Participation by tenure"), h2),
        table([[_("Activity"), _("People"), *[selectors.tenure_label(g) for g in groups],
                _("Dissimilarity (Duncan)")],
               [_("Households in the ledger"), sum(eq.residents_by_tenure.values()),
                *[eq.residents_by_tenure.get(g, 0) for g in groups], ""],
               *[[r["label"], r["n"],
                  *[_fmt(next((s.ratio for s in r["shares"] if s.group == g), None))
                    for g in groups], _fmt(r["duncan"])] for r in eq.by_activity]]),
        Paragraph(_("Gini of participation across buildings") + ": "
                  + _fmt(eq.building_gini), body),
        Paragraph(_("Repeat participants (two or more kinds of action)") + ": "
                  + _fmt(eq.repeat, pct=True), body),
        Paragraph(_("Participation funnel (distinct people)"), h2),
        table([[_("Step"), _("People"), _("Share of members")],
               *[[label, s.people, _fmt(s.share_of_first, pct=True)]
                 for label, s in eq.funnel]]),
        Paragraph(_("The loop: reports, proposals, actions"), h2),
        table([[_("Indicator"), _("Value")],
               [_("Median hours to accept a report"), _fmt(kpi.accept.median, 1)],
               [_("Accepted within target"), _fmt(kpi.accept.within_target, pct=True)],
               [_("Median hours to resolve"), _fmt(kpi.resolve.median, 0)],
               [_("Resolved within target"), _fmt(kpi.resolve.within_target, pct=True)],
               [_("Proposals answered"), _fmt(kpi.answered, pct=True)],
               [_("Proposals decided"), _fmt(kpi.decided, pct=True)],
               [_("Proposals implemented"), _fmt(kpi.implemented, pct=True)],
               [_("Meeting actions done on time"), _fmt(kpi.actions_on_time, pct=True)]]),
        Paragraph(_("Reports and proposals per month"), h2),
        table([[_("Month"), _("Reports"), _("Proposals")],
               *[[m, r, p] for m, r, p in zip(kpi.months, kpi.reports_by_month,
                                               kpi.proposals_by_month, strict=True)]]),
    ]
    for w in waves:
        story.append(Paragraph(_("Belonging before and after, by taking part") + ": "
                               + w["survey"].title, h2))
        rows = [[_("Group"), _("Scale"), _("Pairs"), _("Before"), _("After"), _("Change"),
                 "d_z", "p"]]
        for g in w["groups"]:
            for c in g["comparisons"]:
                if c.change:
                    x = c.change
                    rows.append([g["label"], c.label, x.n, _fmt(x.mean_before),
                                 _fmt(x.mean_after), _fmt(x.mean_diff), _fmt(x.d_z),
                                 _fmt(x.p_t, 3)])
        story.append(table(rows))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm,
                            title=f"{community.name}", author="Gongzhi")
    story.insert(0, Spacer(1, 2 * mm))
    doc.build(story)
    return buf.getvalue()
