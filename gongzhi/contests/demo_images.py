"""Plausible contest pictures drawn with Pillow at demo time (no files shipped): logos
made of simple shapes, a round mascot character, and neighbourhood photos."""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

PALETTES = [
    ((156, 42, 27), (242, 177, 52), (255, 255, 255)),   # 中国红 and gold
    ((27, 110, 58), (152, 206, 94), (255, 255, 255)),   # garden green
    ((29, 78, 216), (125, 211, 252), (255, 255, 255)),  # sky blue
    ((168, 74, 0), (253, 186, 116), (255, 251, 235)),   # warm orange
    ((107, 63, 160), (216, 180, 254), (255, 255, 255)),  # purple
    ((15, 118, 110), (94, 234, 212), (240, 253, 250)),  # teal
]


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _jpeg(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()


def logo(variant: int, size: int = 480) -> bytes:
    """A round emblem: a ring, roofs of homes, a tree or a sun, joined hands (arcs)."""
    main, accent, bg = PALETTES[variant % len(PALETTES)]
    img = Image.new("RGB", (size, size), bg)
    d = ImageDraw.Draw(img)
    c, r = size / 2, size * 0.44
    d.ellipse([c - r, c - r, c + r, c + r], fill=main)
    d.ellipse([c - r * 0.86, c - r * 0.86, c + r * 0.86, c + r * 0.86], fill=bg)
    style = variant % 4
    if style == 0:  # three roofs = three kinds of residents under one sky
        for i, dx in enumerate((-0.42, 0, 0.42)):
            x = c + dx * r
            top = c - r * (0.35 if i == 1 else 0.15)
            d.polygon([(x - r * 0.28, c + r * 0.05), (x, top), (x + r * 0.28, c + r * 0.05)],
                      fill=main if i != 1 else accent)
            d.rectangle([x - r * 0.2, c + r * 0.05, x + r * 0.2, c + r * 0.42],
                        fill=accent if i != 1 else main)
    elif style == 1:  # a tree growing from a home
        d.rectangle([c - r * 0.06, c - r * 0.05, c + r * 0.06, c + r * 0.5], fill=main)
        for k in range(6):
            a = math.pi * (0.15 + 0.14 * k)
            x, y = c + math.cos(a) * r * 0.35, c - r * 0.15 - math.sin(a) * r * 0.3
            d.ellipse([x - r * 0.22, y - r * 0.22, x + r * 0.22, y + r * 0.22], fill=accent)
        d.polygon([(c - r * 0.5, c + r * 0.5), (c, c + r * 0.25), (c + r * 0.5, c + r * 0.5)],
                  fill=main)
    elif style == 2:  # a rising sun over the estate
        d.pieslice([c - r * 0.55, c - r * 0.45, c + r * 0.55, c + r * 0.65], 180, 360,
                   fill=accent)
        for k in range(9):
            a = math.pi * (1 + k / 8)
            d.line([(c + math.cos(a) * r * 0.62, c + r * 0.1 + math.sin(a) * r * 0.62),
                    (c + math.cos(a) * r * 0.78, c + r * 0.1 + math.sin(a) * r * 0.78)],
                   fill=accent, width=max(3, size // 60))
        for i in range(4):
            x = c - r * 0.55 + i * r * 0.3
            d.rectangle([x, c + r * 0.1, x + r * 0.22, c + r * 0.55], fill=main)
    else:  # two hands (arcs) holding a heart
        w = max(6, size // 30)
        d.arc([c - r * 0.6, c - r * 0.2, c + r * 0.1, c + r * 0.6], 90, 270, fill=main, width=w)
        d.arc([c - r * 0.1, c - r * 0.2, c + r * 0.6, c + r * 0.6], 270, 90, fill=main, width=w)
        s = r * 0.22
        d.ellipse([c - 2 * s, c - 1.6 * s, c, c + 0.4 * s], fill=accent)
        d.ellipse([c, c - 1.6 * s, c + 2 * s, c + 0.4 * s], fill=accent)
        d.polygon([(c - 1.95 * s, c - 0.4 * s), (c + 1.95 * s, c - 0.4 * s),
                   (c, c + 1.9 * s)], fill=accent)
    return _png(img)


def mascot(variant: int, size: int = 480) -> bytes:
    """A round character: body, ears, eyes, cheeks, a smile, arms waving."""
    main, accent, bg = PALETTES[(variant + 2) % len(PALETTES)]
    img = Image.new("RGB", (size, size), (250, 248, 240))
    d = ImageDraw.Draw(img)
    c = size / 2
    r = size * 0.3
    ear = r * (0.35 + 0.1 * (variant % 3))
    for sx in (-1, 1):
        ex = c + sx * r * 0.7
        if variant % 2:
            d.ellipse([ex - ear, c - r * 1.15 - ear, ex + ear, c - r * 1.15 + ear], fill=main)
        else:
            d.polygon([(ex - ear, c - r * 0.75), (ex + sx * ear * 0.3, c - r * 1.5),
                       (ex + ear, c - r * 0.75)], fill=main)
    d.ellipse([c - r, c - r * 1.1, c + r, c + r * 0.9], fill=main)
    d.ellipse([c - r * 0.75, c - r * 0.2, c + r * 0.75, c + r * 0.95], fill=bg)
    for sx in (-1, 1):
        ex = c + sx * r * 0.38
        d.ellipse([ex - r * 0.13, c - r * 0.55, ex + r * 0.13, c - r * 0.25], fill=(30, 30, 30))
        d.ellipse([ex - r * 0.05, c - r * 0.5, ex + r * 0.02, c - r * 0.42], fill=(255, 255, 255))
        d.ellipse([c + sx * r * 0.62 - r * 0.12, c - r * 0.12, c + sx * r * 0.62 + r * 0.12,
                   c + r * 0.05], fill=accent)
    d.arc([c - r * 0.25, c - r * 0.3, c + r * 0.25, c + r * 0.05], 20, 160, fill=(30, 30, 30),
          width=max(3, size // 90))
    w = max(8, size // 28)
    d.line([(c - r * 0.95, c + r * 0.1), (c - r * 1.35, c - r * 0.35)], fill=main, width=w)
    d.line([(c + r * 0.95, c + r * 0.1), (c + r * 1.3, c + r * 0.45)], fill=main, width=w)
    d.ellipse([c - r * 0.55, c + r * 0.8, c - r * 0.15, c + r * 1.05], fill=main)
    d.ellipse([c + r * 0.15, c + r * 0.8, c + r * 0.55, c + r * 1.05], fill=main)
    if variant % 3 == 0:  # a volunteer's red armband
        d.rectangle([c + r * 1.02, c + r * 0.18, c + r * 1.22, c + r * 0.32], fill=(179, 38, 30))
    return _png(img)


def photo(variant: int, width: int = 960, height: int = 640) -> bytes:
    """A neighbourhood scene: sky, apartment blocks with windows, trees, a path."""
    rng = random.Random(variant * 7919)
    hour = variant % 3  # morning, noon, dusk
    sky_top = [(120, 170, 230), (90, 150, 220), (60, 60, 120)][hour]
    sky_low = [(250, 210, 170), (200, 225, 245), (250, 140, 90)][hour]
    img = Image.new("RGB", (width, height))
    d = ImageDraw.Draw(img)
    horizon = int(height * 0.62)
    for y in range(horizon):
        t = y / horizon
        d.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t)
                                                for a, b in zip(sky_top, sky_low, strict=True)))
    d.rectangle([0, horizon, width, height], fill=(96, 128, 72))
    x = -rng.randint(0, 60)
    while x < width:
        w = rng.randint(110, 180)
        h = rng.randint(int(height * 0.25), int(height * 0.5))
        shade = rng.randint(170, 220)
        d.rectangle([x, horizon - h, x + w, horizon], fill=(shade, shade - 15, shade - 35))
        for wy in range(horizon - h + 14, horizon - 16, 26):
            for wx in range(x + 10, x + w - 16, 24):
                lit = hour == 2 and rng.random() < 0.5
                d.rectangle([wx, wy, wx + 12, wy + 14],
                            fill=(255, 220, 120) if lit else (90, 110, 140))
        x += w + rng.randint(10, 40)
    d.polygon([(width * 0.42, height), (width * 0.5, horizon), (width * 0.56, horizon),
               (width * 0.7, height)], fill=(200, 190, 170))
    for _ in range(7):
        tx, ty = rng.randint(0, width), rng.randint(horizon - 20, height - 40)
        s = rng.randint(30, 60)
        d.rectangle([tx - 4, ty, tx + 4, ty + s], fill=(90, 60, 40))
        d.ellipse([tx - s * 0.8, ty - s * 1.1, tx + s * 0.8, ty + s * 0.3],
                  fill=(40 + rng.randint(0, 40), 110 + rng.randint(0, 50), 50))
    if hour == 2:
        d.ellipse([width * 0.8, height * 0.12, width * 0.86, height * 0.21], fill=(255, 200, 120))
    return _jpeg(img.filter(ImageFilter.SMOOTH))
