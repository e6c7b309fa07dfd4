"""Every uploaded picture passes here: checked, re-encoded, renamed.

The client's file name says nothing we trust: a valid PNG with HTML appended, sent as
``poly.html``, must neither be stored under ``.html`` nor keep its appended bytes. So

* the format is detected from the content (Pillow), and only JPEG, PNG and WebP pass;
* the picture is decoded and encoded again, which drops anything after the image data and
  all metadata: EXIF, XMP, comments. Phones write GPS coordinates into photos; a resident's
  photo of a broken lamp must not reveal where they live, so the position is kept only when
  the uploader asks for it (then the GPS block is the only metadata written back);
* the stored name is random and its extension comes from the detected format;
* pictures with too many pixels (decompression bombs: a 20000×20000 PNG is a few hundred
  kilobytes) are refused before they are decoded, with a message in the user's language.

Forms use :class:`ImageUploadField` / :class:`MultipleImageUploadField` (clear messages, the
rest of the form kept); services call :func:`image_prepare` before saving.
"""

from __future__ import annotations

import io
import secrets
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gongzhi.core import ratelimit

ALLOWED_IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # 40 megapixels: more than any phone camera
MAX_SIDE = 12_000
ACCEPT = ",".join(ALLOWED_IMAGE_FORMATS.values())
GPS_IFD = 0x8825


def _not_readable(upload: File) -> ValidationError:
    return ValidationError(
        _("%(name)s is not a picture we can read. Use JPEG, PNG or WebP."),
        code="invalid_image", params={"name": _display_name(upload)},
    )


def _too_many_pixels(upload: File) -> ValidationError:
    return ValidationError(
        _("The picture %(name)s has too many pixels (at most %(limit)s megapixels, "
          "%(side)s pixels a side). Send a smaller copy."),
        code="too_large",
        params={"name": _display_name(upload), "limit": MAX_PIXELS // 1_000_000,
                "side": MAX_SIDE},
    )


def _display_name(upload: File) -> str:
    name = (getattr(upload, "name", "") or "").replace("\x00", "")
    return name.rsplit("/", 1)[-1][:80] or "?"


def _open(upload: File) -> Image.Image:
    """Open without decoding; refuse what is not an allowed format or too big."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(upload)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(upload)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _not_readable(upload)
    # Not img.close(): that would close the upload itself, which belongs to the caller.
    if img.format not in ALLOWED_IMAGE_FORMATS:
        raise _not_readable(upload)
    if img.width * img.height > MAX_PIXELS or max(img.size) > MAX_SIDE:
        raise _too_many_pixels(upload)
    return img


def validate_image(upload: File) -> str:
    """Return the detected format (JPEG, PNG, WEBP) or raise ValidationError."""
    max_bytes = settings.UPLOAD_MAX_BYTES
    if upload.size and upload.size > max_bytes:
        raise ValidationError(
            _("The file %(name)s is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={"name": _display_name(upload), "size": round(upload.size / 1_048_576, 1),
                    "limit": round(max_bytes / 1_048_576)},
        )
    img = _open(upload)
    fmt = img.format or ""  # _open refused every format not in ALLOWED_IMAGE_FORMATS
    try:
        img.verify()
    except Exception:  # noqa: BLE001 - any decoder error means "not a picture we can read"
        raise _not_readable(upload)
    finally:
        upload.seek(0)
    return fmt


def random_name(fmt: str) -> str:
    """A stored file name that says nothing about the uploader: random, with the
    extension of the detected format."""
    return f"{secrets.token_hex(12)}.{EXTENSIONS[fmt]}"


def image_prepare(upload: UploadedFile, *, keep_location: bool = False) -> UploadedFile:
    """Check and re-encode a picture; the result has a random name with the right
    extension and no metadata but (when ``keep_location``) its GPS position."""
    ratelimit.hit("upload")
    fmt = validate_image(upload)
    img = _open(upload)
    try:
        exif = img.getexif()
        gps = exif.get_ifd(GPS_IFD) if keep_location else {}
        img.load()
        img = ImageOps.exif_transpose(img)
    except (OSError, SyntaxError, ValueError):
        raise _not_readable(upload)
    finally:
        upload.seek(0)
    save_kwargs: dict = {}
    if fmt == "JPEG":
        img = img.convert("RGB")
        save_kwargs = {"quality": 88, "optimize": True}
    elif fmt == "WEBP":
        save_kwargs = {"quality": 88}
    if gps:
        kept = Image.Exif()
        kept[GPS_IFD] = gps
        save_kwargs["exif"] = kept.tobytes()
    out = io.BytesIO()
    img.save(out, format=fmt, **save_kwargs)
    size = out.tell()
    out.seek(0)
    return InMemoryUploadedFile(out, "file", random_name(fmt), ALLOWED_IMAGE_FORMATS[fmt],
                                size, None)


def safe_upload_name(filename: str) -> str:
    """For ``upload_to`` callables: a random name, keeping the extension only when it is
    one we produce (anything else is stored as ``.bin`` and served as a download)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in EXTENSIONS.values():
        ext = "bin"
    return f"{secrets.token_hex(12)}.{ext}"


# --- form fields ---------------------------------------------------------------------------

class ImageUploadField(forms.FileField):
    """One picture: JPEG, PNG or WebP, size and pixels checked with clear messages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is not None:
            validate_image(upload)
        return upload


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageUploadField(ImageUploadField):
    """Several pictures from one input; returns a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _MultipleFileInput(attrs={"accept": ACCEPT,
                                                              "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


# --- audio, video and PDF (the memory archive) ---------------------------------------------
#
# These are not re-encoded here (that needs ffmpeg; see docs/memory.md): the type is read
# from the first bytes, never from the name or the browser's Content-Type; only the formats
# phones and browsers play are allowed; each kind has its own size limit (settings
# UPLOAD_MAX_AUDIO_BYTES, UPLOAD_MAX_VIDEO_BYTES, UPLOAD_MAX_PDF_BYTES); the stored name is
# random with the extension of the detected type. A PDF must start with %PDF-, end with
# %%EOF and contain no JavaScript, launch actions or embedded files; PDFs are always served
# as downloads (core/media.py), audio and video inline with nosniff and a sandbox CSP.

MEDIA_TYPES = {
    # detected name: (kind, content type, extension)
    "mp3": ("audio", "audio/mpeg", "mp3"),
    "m4a": ("audio", "audio/mp4", "m4a"),
    "ogg": ("audio", "audio/ogg", "ogg"),
    "wav": ("audio", "audio/wav", "wav"),
    "aac": ("audio", "audio/aac", "aac"),
    "mp4": ("video", "video/mp4", "mp4"),
    "mov": ("video", "video/quicktime", "mov"),
    "webm": ("video", "video/webm", "webm"),
    "pdf": ("pdf", "application/pdf", "pdf"),
}
MEDIA_ACCEPT = {
    "audio": "audio/mpeg,audio/mp4,audio/ogg,audio/wav,audio/aac,.mp3,.m4a,.ogg,.wav,.aac",
    "video": "video/mp4,video/quicktime,video/webm,.mp4,.mov,.webm",
    "pdf": "application/pdf,.pdf",
}
PDF_FORBIDDEN = (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch", b"/EmbeddedFile",
                 b"/RichMedia", b"/XFA")
_M4A_BRANDS = {b"M4A ", b"M4B ", b"F4A "}
_MOV_BRANDS = {b"qt  "}


def sniff_media(head: bytes) -> str | None:
    """The detected type of an audio, video or PDF file from its first bytes, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF
                                   and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0):
        return "mp3"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "aac"
    if head.startswith(b"OggS"):
        return "ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head[:64]:
        return "webm"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _M4A_BRANDS:
            return "m4a"
        if brand in _MOV_BRANDS:
            return "mov"
        return "mp4"
    return None


def _size_limit(kind: str) -> int:
    return {"audio": settings.UPLOAD_MAX_AUDIO_BYTES, "video": settings.UPLOAD_MAX_VIDEO_BYTES,
            "pdf": settings.UPLOAD_MAX_PDF_BYTES}.get(kind, settings.UPLOAD_MAX_BYTES)


def _wrong_type(upload: UploadedFile, kinds: tuple[str, ...]) -> ValidationError:
    names = {"audio": _("audio (MP3, M4A, AAC, OGG, WAV)"), "video": _("video (MP4, MOV, WebM)"),
             "pdf": _("PDF")}
    return ValidationError(
        _("%(name)s is not a file we can keep. Use %(kinds)s."), code="invalid_media",
        params={"name": _display_name(upload),
                "kinds": ", ".join(str(names[k]) for k in kinds if k in names)})


def _pdf_safe(upload: UploadedFile) -> bool:
    upload.seek(0)
    tail = b""
    for chunk in upload.chunks(1 << 20):
        data = tail + chunk
        if any(word in data for word in PDF_FORBIDDEN):
            return False
        tail = data[-32:]
    upload.seek(0)
    return b"%%EOF" in tail or b"%%EOF" in _last_bytes(upload, 1024)


def _last_bytes(upload: UploadedFile, n: int) -> bytes:
    size = upload.size or 0
    upload.seek(max(0, size - n))
    data = upload.read(n)
    upload.seek(0)
    return data


def media_prepare(upload: UploadedFile, *, kinds: tuple[str, ...] = ("audio", "video", "pdf")
                  ) -> tuple[UploadedFile, str, str]:
    """Check an audio, video or PDF upload; return (file under a random name, kind,
    content type). Raises ValidationError with a message in the user's language."""
    ratelimit.hit("upload")
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    detected = sniff_media(head)
    if detected is None or MEDIA_TYPES[detected][0] not in kinds:
        raise _wrong_type(upload, kinds)
    kind, content_type, ext = MEDIA_TYPES[detected]
    limit = _size_limit(kind)
    if upload.size and upload.size > limit:
        raise ValidationError(
            _("The file %(name)s is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={"name": _display_name(upload), "size": round(upload.size / 1_048_576, 1),
                    "limit": round(limit / 1_048_576)})
    if kind == "pdf" and not _pdf_safe(upload):
        raise ValidationError(
            _("%(name)s contains scripts, attachments or is incomplete: print it to a new "
              "PDF or scan it again."), code="unsafe_pdf",
            params={"name": _display_name(upload)})
    upload.name = f"{secrets.token_hex(12)}.{ext}"
    upload.content_type = content_type
    return upload, kind, content_type
