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
