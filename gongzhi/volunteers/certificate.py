"""The certificate of volunteer service hours (志愿服务时长证明), as a PDF.

reportlab draws it with the Adobe CID font ``STSong-Light`` (Adobe-GB1), which every PDF
reader supplies for Simplified Chinese, so no font file has to ship with Gongzhi or be
installed on the server, and the PDF stays a few kilobytes.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone

FONT = "STSong-Light"


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def certificate_pdf(*, user, community, rows) -> bytes:
    """A one-page A4 certificate listing confirmed shifts (the latest 25) and the total."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    _register_font()
    total = sum((r.hours or Decimal(0) for r in rows if r.confirmed_at), Decimal(0))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.setTitle("志愿服务时长证明")
    pdf.setAuthor(community.name)
    width, height = A4
    pdf.setFont(FONT, 22)
    pdf.drawCentredString(width / 2, height - 35 * mm, "志愿服务时长证明")
    pdf.setFont(FONT, 12)
    y = height - 55 * mm
    lines = [
        f"兹证明 {user.public_name} 在{community.name}参加志愿服务，",
        f"经服务队队长确认，累计志愿服务时长 {total.normalize():f} 小时"
        f"（共 {len(rows)} 次）。",
    ]
    for line in lines:
        pdf.drawString(25 * mm, y, line)
        y -= 8 * mm
    y -= 4 * mm
    pdf.setFont(FONT, 10)
    pdf.drawString(25 * mm, y, "日期")
    pdf.drawString(55 * mm, y, "服务项目")
    pdf.drawString(140 * mm, y, "服务队")
    pdf.drawRightString(185 * mm, y, "时长(小时)")
    y -= 2 * mm
    pdf.line(25 * mm, y, 185 * mm, y)
    y -= 6 * mm
    for r in rows[:25]:
        shift = r.shift
        team = shift.opportunity.team
        pdf.drawString(25 * mm, y, timezone.localtime(shift.starts_at).strftime("%Y-%m-%d"))
        pdf.drawString(55 * mm, y, shift.opportunity.title[:28])
        pdf.drawString(140 * mm, y, (team.name if team else "")[:12])
        pdf.drawRightString(185 * mm, y, f"{(r.hours or Decimal(0)).normalize():f}")
        y -= 6 * mm
    if len(rows) > 25:
        pdf.drawString(25 * mm, y, f"……另有 {len(rows) - 25} 次服务，合计已计入总时长。")
        y -= 6 * mm
    pdf.setFont(FONT, 12)
    pdf.drawRightString(185 * mm, 45 * mm, community.name)
    pdf.drawRightString(185 * mm, 37 * mm, timezone.localdate().strftime("%Y年%m月%d日"))
    pdf.setFont(FONT, 8)
    pdf.drawString(25 * mm, 20 * mm, "本证明由共治平台根据队长确认的签到记录生成。")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
