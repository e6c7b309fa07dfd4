"""Checking uploaded images and removing where they were taken.

Phones write GPS coordinates into photos; a resident's photo of a broken lamp must not
reveal where they live unless they choose so. Re-encoding through Pillow drops all EXIF.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000


def validate_image(upload: UploadedFile) -> str:
    """Return the detected format or raise ValidationError with a user-facing message."""
    max_bytes = settings.UPLOAD_MAX_BYTES
    if upload.size and upload.size > max_bytes:
        raise ValidationError(
            _("The file %(name)s is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={"name": upload.name, "size": round(upload.size / 1_048_576, 1),
                    "limit": round(max_bytes / 1_048_576)},
        )
    try:
        upload.seek(0)
        with Image.open(upload) as img:
            fmt = img.format
            if img.width * img.height > MAX_PIXELS:
                raise ValidationError(_("The picture %(name)s is too large."), code="too_large",
                                      params={"name": upload.name})
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError(
            _("%(name)s is not a picture we can read. Use JPEG, PNG or WebP."),
            code="invalid_image", params={"name": upload.name},
        )
    finally:
        upload.seek(0)
    if fmt not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("%(name)s is not a picture we can read. Use JPEG, PNG or WebP."),
            code="invalid_image", params={"name": upload.name},
        )
    return fmt


def strip_location(upload: UploadedFile, *, keep_location: bool = False) -> UploadedFile:
    """Re-encode the image without metadata (keeping orientation), unless asked to keep it."""
    fmt = validate_image(upload)
    if keep_location:
        return upload
    upload.seek(0)
    with Image.open(upload) as img:
        img = ImageOps.exif_transpose(img)
        out = io.BytesIO()
        save_kwargs: dict = {}
        if fmt == "JPEG":
            img = img.convert("RGB")
            save_kwargs = {"quality": 88, "optimize": True}
        img.save(out, format=fmt, **save_kwargs)
    size = out.tell()
    out.seek(0)
    return InMemoryUploadedFile(out, "file", upload.name, ALLOWED_IMAGE_FORMATS[fmt], size, None)
