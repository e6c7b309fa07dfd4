"""The community report as PDF, drawn with reportlab.

Why reportlab: it installs from PyPI wheels with nothing from Debian, and its built-in
``STSong-Light`` CID font (Adobe's Chinese font pack, referenced, not embedded) renders
Chinese without shipping a font file; WeasyPrint would need Pango and fonts-noto-cjk on
every server. Charts are drawn with reportlab.graphics in the same font (bar charts, and a
small dot map of the buildings coloured by the share of categories they reach); every
chart is followed by a table with the same figures (the text alternative).
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Circle, Drawing, Rect, String
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


PALETTE = ["#1a5fb4", "#1e6b3a", "#c07a00", "#a51d2d", "#613583", "#5e5c64"]


class _Doc:
    """Styles, tables and charts in the Chinese CID font."""

    def __init__(self) -> None:
        self.font = font = _font()
        self.h1 = ParagraphStyle("h1", fontName=font, fontSize=18, leading=24, spaceAfter=8)
        self.h2 = ParagraphStyle("h2", fontName=font, fontSize=13, leading=18, spaceBefore=10,
                                 spaceAfter=4)
        self.body = ParagraphStyle("b", fontName=font, fontSize=9.5, leading=14)
        self.small = ParagraphStyle("s", fontName=font, fontSize=8, leading=11,
                                    textColor=colors.HexColor("#555555"))
        self.cell = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=11)

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        from xml.sax.saxutils import escape

        return Paragraph(escape(str(text)), style or self.body)

    def table(self, rows: list[list[Any]]) -> Table:
        data = [[self.p(c, self.cell) for c in r] for r in rows]
        t = Table(data, repeatRows=1)
        t.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        return t

    def bars(self, labels: list[str], series: list[tuple[str, list[float | None]]], *,
             share: bool = False, width: float = 170 * mm) -> Drawing:
        """A horizontal bar chart: one group per label, one bar per series."""
        n = max(len(labels), 1)
        height = 14 * mm + n * max(len(series), 1) * 4.2 * mm
        d = Drawing(width, height + (8 * mm if len(series) > 1 else 0))
        chart = HorizontalBarChart()
        chart.x, chart.y = 38 * mm, 8 * mm + (8 * mm if len(series) > 1 else 0)
        chart.width, chart.height = width - 44 * mm, height - 10 * mm
        chart.data = [[0 if v is None else float(v) for v in data] for _n, data in series]
        chart.categoryAxis.categoryNames = [str(x)[:12] for x in labels]
        chart.categoryAxis.reverseDirection = True
        chart.categoryAxis.labels.fontName = self.font
        chart.categoryAxis.labels.fontSize = 7.5
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.valueAxis.labels.fontName = self.font
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.valueMin = 0
        if share:
            chart.valueAxis.valueMax = 1
            chart.valueAxis.valueStep = 0.25
            chart.valueAxis.labelTextFormat = lambda v: f"{v * 100:.0f}%"
        for i in range(len(series)):
            chart.bars[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
            chart.bars[i].strokeColor = None
        chart.barSpacing = 0.5
        d.add(chart)
        if len(series) > 1:
            legend = Legend()
            legend.x, legend.y = 38 * mm, 5 * mm
            legend.fontName, legend.fontSize = self.font, 7.5
            legend.alignment = "right"
            legend.columnMaximum = 1
            legend.deltax = 28 * mm
            legend.colorNamePairs = [(colors.HexColor(PALETTE[i % len(PALETTE)]), str(name))
                                     for i, (name, _d) in enumerate(series)]
            d.add(legend)
        return d

    def dot_map(self, points: list[dict[str, float]], *, size: float = 80 * mm) -> Drawing:
        """Buildings as dots, green (every category reached) → red (none), on a local
        equirectangular projection; north up. A schematic, not a basemap."""
        import math

        d = Drawing(size + 40 * mm, size)
        lons = [p["lon"] for p in points]
        lats = [p["lat"] for p in points]
        kx = math.cos(math.radians(sum(lats) / len(lats)))
        span = max((max(lons) - min(lons)) * kx, max(lats) - min(lats), 1e-6)
        d.add(Rect(0, 0, size, size, fillColor=colors.HexColor("#f6f5f4"),
                   strokeColor=colors.HexColor("#999999"), strokeWidth=0.5))
        pad = 6 * mm
        for pt in points:
            x = pad + ((pt["lon"] - min(lons)) * kx / span) * (size - 2 * pad)
            y = pad + ((pt["lat"] - min(lats)) / span) * (size - 2 * pad)
            r = pt["reached"]
            colour = "#1e6b3a" if r >= 1 else "#c07a00" if r >= 0.5 else "#a51d2d"
            d.add(Circle(x, y, 2.2 * mm, fillColor=colors.HexColor(colour),
                         strokeColor=colors.black, strokeWidth=0.4))
        d.add(String(size / 2, size - 4 * mm, "N ↑", fontName=self.font, fontSize=7,
                     textAnchor="middle"))
        for i, (colour, label) in enumerate((("#1e6b3a", _("every category reached")),
                                             ("#c07a00", _("half or more")),
                                             ("#a51d2d", _("fewer than half")))):
            y = size - 10 * mm - i * 6 * mm
            d.add(Circle(size + 5 * mm, y + 1 * mm, 1.8 * mm,
                         fillColor=colors.HexColor(colour), strokeColor=None))
            d.add(String(size + 9 * mm, y, label, fontName=self.font, fontSize=7))
        return d

    def build(self, story: list[Any], title: str) -> bytes:
        buf = io.BytesIO()
        doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                                topMargin=15 * mm, bottomMargin=15 * mm, title=title,
                                author="Gongzhi")
        doc.build([Spacer(1, 2 * mm), *story])
        return buf.getvalue()


def _kpi_rows(kpi) -> list[list[Any]]:
    memories = _("not yet available") if kpi.memories is None else kpi.memories
    return [[_("Indicator"), _("Value")],
            [_("Median hours to accept a report"), _fmt(kpi.accept.median, 1)],
            [_("Accepted within target"), _fmt(kpi.accept.within_target, pct=True)],
            [_("Median hours to resolve"), _fmt(kpi.resolve.median, 0)],
            [_("Resolved within target"), _fmt(kpi.resolve.within_target, pct=True)],
            [_("Proposals answered"), _fmt(kpi.answered, pct=True)],
            [_("Proposals decided"), _fmt(kpi.decided, pct=True)],
            [_("Proposals implemented"), _fmt(kpi.implemented, pct=True)],
            [_("Meeting actions done on time"), _fmt(kpi.actions_on_time, pct=True)],
            [_("Volunteer hours per 1,000 residents"), _fmt(kpi.volunteer_hours_per_1000, 1)],
            [_("Memories contributed"), memories]]


def _access_story(doc: _Doc, access: dict[str, Any] | None,
                  points: list[dict[str, float]] | None) -> list[Any]:
    from gongzhi.spatial.labels import TIER_LABELS, category_label

    out: list[Any] = [Paragraph(_("Access to public space"), doc.h2)]
    if not access:
        out.append(doc.p(_("Not available: no walking network has been imported for this "
                           "community.")))
        return out
    cats = access["categories"]
    out.append(doc.bars([category_label(c["code"]) for c in cats],
                        [(_("Residents within the standard"),
                          [c["covered_share"] for c in cats])], share=True))
    out.append(doc.table([[_("Category"), _("Life circle"), _("Within it"),
                           _("Below the standard"), _("Their average extra walk (m)")],
                          *[[category_label(c["code"]),
                             f"{TIER_LABELS.get(c['tier'], c['tier'])}，"
                             f"{c['threshold_m']:.0f} m",
                             _fmt(c["covered_share"], pct=True), _fmt(c["below_share"], pct=True),
                             _fmt(c["mean_shortfall_m"], 0)] for c in cats]]))
    elderly = access.get("elderly")
    out.append(doc.table([[_("Indicator"), _("Value")],
                          [_("Residents reaching every category"),
                           _fmt(access["full_completeness_share"], pct=True)],
                          [_("Gini coefficient of access (2SFCA)"), _fmt(access["gini_2sfca"], 3)],
                          [_("Theil index"), _fmt(access.get("theil_2sfca"), 3)],
                          [_("Concentration against the share aged 60+"),
                           _fmt(elderly["ci_2sfca"], 3) if elderly
                           else _("no elderly counts in the ledger")]]))
    if points:
        out.append(Spacer(1, 3 * mm))
        out.append(doc.p(_("Buildings by the share of facility categories reached within "
                           "their life circle (schematic map)"), doc.small))
        out.append(doc.dot_map(points))
    return out


def community_report_pdf(community, eq, kpi, waves, *, access=None, points=None) -> bytes:
    from gongzhi.analytics import selectors

    doc = _Doc()
    groups = list(dict.fromkeys(s.group for r in eq.by_activity for s in r["shares"]))
    story: list[Any] = [
        doc.p(_("%(community)s: participation and governance report")
              % {"community": community.name}, doc.h1),
        doc.p(_("Counts only, never people. Composition from the household ledger.")),
        Paragraph(_("Participation by tenure"), doc.h2),
        doc.table([[_("Activity"), _("People"), *[selectors.tenure_label(g) for g in groups],
                    _("Dissimilarity (Duncan)")],
                   [_("Households in the ledger"), sum(eq.residents_by_tenure.values()),
                    *[eq.residents_by_tenure.get(g, 0) for g in groups], ""],
                   *[[r["label"], r["n"],
                      *[_fmt(next((s.ratio for s in r["shares"] if s.group == g), None))
                        for g in groups], _fmt(r["duncan"])] for r in eq.by_activity]]),
        doc.p(_("Gini of participation across buildings") + ": " + _fmt(eq.building_gini)),
        doc.p(_("Repeat participants (two or more kinds of action)") + ": "
              + _fmt(eq.repeat, pct=True)),
        Paragraph(_("Participation funnel (distinct people)"), doc.h2),
        doc.table([[_("Step"), _("People"), _("Share of members")],
                   *[[label, s.people, _fmt(s.share_of_first, pct=True)]
                     for label, s in eq.funnel]]),
        Paragraph(_("The loop: reports, proposals, actions"), doc.h2),
        doc.table(_kpi_rows(kpi)),
        Paragraph(_("Reports and proposals per month"), doc.h2),
        doc.table([[_("Month"), _("Reports"), _("Proposals")],
                   *[[m, r, p] for m, r, p in zip(kpi.months, kpi.reports_by_month,
                                                   kpi.proposals_by_month, strict=True)]]),
    ]
    for w in waves:
        story.append(Paragraph(_("Belonging before and after, by taking part") + ": "
                               + w["survey"].title, doc.h2))
        rows = [[_("Group"), _("Scale"), _("Pairs"), _("Before"), _("After"), _("Change"),
                 "d_z", "p"]]
        for g in w["groups"]:
            for c in g["comparisons"]:
                if c.change:
                    x = c.change
                    rows.append([g["label"], c.label, x.n, _fmt(x.mean_before),
                                 _fmt(x.mean_after), _fmt(x.mean_diff), _fmt(x.d_z),
                                 _fmt(x.p_t, 3)])
        story.append(doc.table(rows))
    story += _access_story(doc, access, points)
    return doc.build(story, community.name)


def subdistrict_report_pdf(report) -> bytes:
    """The subdistrict report (`subdistrict.AreaReport`) as PDF: the same sections as the
    HTML page, each chart followed by its table."""
    doc = _Doc()
    rows = report.rows
    names = [r.community.name for r in rows]
    story: list[Any] = [
        doc.p(_("%(name)s: subdistrict report") % {"name": report.region.name}, doc.h1),
        doc.p(_("The communities of the subdistrict compared. Counts only, never people.")),
        Paragraph(_("Participation and equity"), doc.h2),
        doc.bars(names, [(_("Participants per 1,000 residents"),
                          [r.eq.participants * 1000 / r.residents if r.residents else None
                           for r in rows])]),
        doc.table([[_("Community"), _("Residents (est.)"), _("Participants"),
                    _("Per 1,000 residents"), _("Gini across buildings"),
                    _("Dissimilarity of voters (Duncan)"), _("Repeat participants")],
                   *[[r.community.name, f"{r.residents:.0f}", r.eq.participants,
                      _fmt(r.eq.participants * 1000 / r.residents if r.residents else None, 1),
                      _fmt(r.eq.building_gini), _fmt(r.voted_duncan),
                      _fmt(r.eq.repeat, pct=True)] for r in rows]]),
        Paragraph(_("The loop: reports, proposals, actions"), doc.h2),
        doc.bars(names, [(_("Answered"), [r.kpi.answered for r in rows]),
                         (_("Decided"), [r.kpi.decided for r in rows]),
                         (_("Implemented"), [r.kpi.implemented for r in rows])], share=True),
        doc.table([[_("Community"), _("Median hours to accept"), _("Accepted within target"),
                    _("Median hours to resolve"), _("Resolved within target"),
                    _("Proposals answered"), _("Proposals decided"),
                    _("Proposals implemented"), _("Actions on time"),
                    _("Volunteer hours per 1,000 residents"), _("Memories contributed")],
                   *[[r.community.name, _fmt(r.kpi.accept.median, 1),
                      _fmt(r.kpi.accept.within_target, pct=True), _fmt(r.kpi.resolve.median, 0),
                      _fmt(r.kpi.resolve.within_target, pct=True),
                      _fmt(r.kpi.answered, pct=True), _fmt(r.kpi.decided, pct=True),
                      _fmt(r.kpi.implemented, pct=True), _fmt(r.kpi.actions_on_time, pct=True),
                      _fmt(r.kpi.volunteer_hours_per_1000, 1),
                      _("not yet available") if r.kpi.memories is None else r.kpi.memories]
                     for r in rows]]),
        *[doc.p(n, doc.small) for n in report.notes],
        Paragraph(_("Belonging before and after"), doc.h2),
    ]
    bel = [[_("Community"), _("Group"), _("Scale"), _("Pairs"), _("Before"), _("After"),
            _("Change")]]
    for r in rows:
        for b in r.belonging:
            bel.append([r.community.name, b["group"], b["scale"], b["n"], _fmt(b["before"]),
                        _fmt(b["after"]), _fmt(b["change"])])
    story.append(doc.table(bel) if len(bel) > 1 else doc.p(_("No paired survey waves yet.")))
    story.append(Paragraph(_("Trends by month"), doc.h2))
    story.append(doc.table([[_("Month"), *names],
                            *[[m, *[f"{r.kpi.reports_by_month[i]} / "
                                    f"{r.kpi.proposals_by_month[i]}" for r in rows]]
                              for i, m in enumerate(report.months)]]))
    story.append(doc.p(_("Each cell: reports / proposals."), doc.small))
    story += _area_access_story(doc, report.access)
    return doc.build(story, report.region.name)


def _area_access_story(doc: _Doc, access: dict[str, Any] | None) -> list[Any]:
    from gongzhi.spatial.labels import category_label

    out: list[Any] = [Paragraph(_("Access to public space"), doc.h2)]
    rows = [r for r in (access or {}).get("rows", []) if r["summary"]]
    if not rows:
        out.append(doc.p(_("No community of this subdistrict has a walking network yet, so "
                           "access cannot be compared.")))
        return out
    codes = list(dict.fromkeys(c["code"] for r in rows for c in r["summary"]["categories"]))

    def cell(r, code):
        return next((c for c in r["summary"]["categories"] if c["code"] == code), None)

    out.append(doc.bars([r["community"].name for r in rows],
                        [(category_label(code), [(cell(r, code) or {}).get("covered_share")
                                                 for r in rows]) for code in codes],
                        share=True))
    out.append(doc.table([[_("Community"), *[category_label(c) for c in codes],
                           _("Gini (2SFCA)"), _("Concentration against the share aged 60+")],
                          *[[r["community"].name,
                             *[(f"{_fmt(x['covered_share'], pct=True)} "
                                f"({_fmt(x['below_share'], pct=True)} ↓ "
                                f"+{_fmt(x['mean_shortfall_m'], 0)} m)") if (x := cell(r, c))
                               else "—" for c in codes],
                             _fmt(r["summary"]["gini_2sfca"], 3),
                             _fmt((r["summary"].get("elderly") or {}).get("ci_2sfca"), 3)]
                            for r in rows]]))
    out.append(doc.p(_("Each cell: residents within the standard (share below it ↓, their "
                       "average extra walk)."), doc.small))
    theil = access.get("theil") if access else None
    if theil:
        out.append(doc.table([[_("Community"), _("Residents"),
                               _("Share of the subdistrict's residents"),
                               _("Share of access"), _("Theil within the community")],
                              *[[g["name"], f"{g['population']:.0f}",
                                 _fmt(g["population_share"], pct=True),
                                 _fmt(g["value_share"], pct=True), _fmt(g["theil"], 3)]
                                for g in theil["rows"]]]))
        out.append(doc.p(_("Theil index over all buildings: %(t)s = %(b)s between communities "
                           "+ %(w)s within them.") % {"t": _fmt(theil["total"], 3),
                                                      "b": _fmt(theil["between"], 3),
                                                      "w": _fmt(theil["within"], 3)}))
    if access and access.get("elderly_ci") is not None:
        out.append(doc.p(_("Concentration index against the share of residents aged 60+")
                         + ": " + _fmt(access["elderly_ci"], 3)))
    return out
