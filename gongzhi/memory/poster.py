"""The culture-wall poster (文化墙海报) of a collection: one A3 page, as a PDF.

reportlab draws it with the Adobe CID font ``STSong-Light`` (as the volunteer certificate
and the analytics report do): every PDF reader and print shop supplies it for Simplified
Chinese, so no font file ships with Gongzhi. The page has the collection's title and
description, up to six photos (the items' pictures, then the linked project's before /
after photos) with captions, a short list of the stories with their eras, and a QR code
back to the online collection.
"""

from __future__ import annotations

import io

FONT = "STSong-Light"
MAX_PHOTOS = 6


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _image_reader(field_file):
    from reportlab.lib.utils import ImageReader

    try:
        with field_file.open("rb") as fh:
            return ImageReader(io.BytesIO(fh.read()))
    except (OSError, ValueError):
        return None


def _photos(items, project_photos) -> list[tuple[object, str]]:
    out: list[tuple[object, str]] = []
    for item in items:
        for m in item.media.all():
            if m.kind == "image":
                out.append((m.file, m.caption or item.title))
                break
        if len(out) >= MAX_PHOTOS:
            return out
    labels = {"before": "改造前", "during": "施工中", "after": "改造后"}
    for p in project_photos:
        out.append((p.image, f"{labels.get(p.kind, '')} {p.caption}".strip()))
        if len(out) >= MAX_PHOTOS:
            break
    return out


def _qr(pdf, url: str, x: float, y: float, size: float) -> None:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x, y)


def poster_pdf(*, collection, items, project_photos, url: str) -> bytes:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A3
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Paragraph

    _register_font()
    width, height = A3
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A3)
    pdf.setTitle(collection.title)
    pdf.setAuthor(collection.community.name)
    pdf.setFillColor(HexColor("#fbf5e9"))
    pdf.rect(0, 0, width, height, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#7a4e12"))
    pdf.rect(0, height - 18 * mm, width, 18 * mm, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#ffffff"))
    pdf.setFont(FONT, 14)
    pdf.drawString(20 * mm, height - 12 * mm, f"{collection.community.name} · 社区博物馆")
    pdf.setFillColor(HexColor("#3b2a12"))
    pdf.setFont(FONT, 40)
    pdf.drawString(20 * mm, height - 45 * mm, collection.title[:20])
    body = ParagraphStyle("b", fontName=FONT, fontSize=14, leading=22, wordWrap="CJK",
                          textColor=HexColor("#3b2a12"))
    small = ParagraphStyle("s", fontName=FONT, fontSize=11, leading=15, wordWrap="CJK",
                           textColor=HexColor("#4b3a1f"))
    y = height - 55 * mm
    if collection.description:
        para = Paragraph(_escape(collection.description[:300]), body)
        _w, h = para.wrap(width - 40 * mm, 60 * mm)
        para.drawOn(pdf, 20 * mm, y - h)
        y -= h + 8 * mm
    photos = _photos(items, project_photos)
    cols, gap = 2, 8 * mm
    cell_w = (width - 40 * mm - gap) / cols
    cell_h = cell_w * 2 / 3
    for i, (image, caption) in enumerate(photos):
        row, col = divmod(i, cols)
        x = 20 * mm + col * (cell_w + gap)
        top = y - row * (cell_h + 16 * mm)
        reader = _image_reader(image)
        if reader is not None:
            pdf.drawImage(reader, x, top - cell_h, cell_w, cell_h, preserveAspectRatio=True,
                          anchor="c", mask="auto")
        para = Paragraph(_escape(caption[:60]), small)
        para.wrap(cell_w, 14 * mm)
        para.drawOn(pdf, x, top - cell_h - 12 * mm)
    rows = (len(photos) + cols - 1) // cols
    y -= rows * (cell_h + 16 * mm) + 4 * mm
    pdf.setFont(FONT, 16)
    for item in items[:10]:
        if y < 70 * mm:
            break
        when = item.era_text or item.years
        line = f"· {item.title}" + (f"（{when}）" if when else "") + f" —— {item.shown_author}"
        pdf.drawString(20 * mm, y, line[:48])
        y -= 9 * mm
    _qr(pdf, url, width - 65 * mm, 15 * mm, 45 * mm)
    pdf.setFont(FONT, 13)
    pdf.drawString(20 * mm, 40 * mm, "扫码看完整的故事、照片和录音，")
    pdf.drawString(20 * mm, 32 * mm, "也欢迎分享您记得的往事。")
    pdf.setFont(FONT, 9)
    pdf.drawString(20 * mm, 15 * mm, url[:90])
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _escape(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text).replace("\n", "<br/>")
