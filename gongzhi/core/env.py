"""Typed helpers that read settings from the environment (the healthchecks pattern)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return int(value)


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def secret_key_from(var_dir: Path) -> str:
    """Return SECRET_KEY from the environment, or one generated once into var/.

    A generated key lives outside the repository so nobody commits it by accident,
    and stays stable across restarts so sessions survive.
    """
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Write atomically so two processes starting at once agree on one key.
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(key)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()


def s3_storage_from_env() -> dict[str, Any] | None:
    """The ``STORAGES["default"]`` entry for S3-compatible media when ``S3_BUCKET`` is set.

    Files are private (``default_acl``) and reached only through signed, expiring URLs
    (``querystring_auth``; ``S3_URL_EXPIRE_SECONDS``, default one hour). Existing files are
    never overwritten: the upload names are random (core/uploads.py) and a clash gets a new
    name.
    """
    bucket = envstr("S3_BUCKET")
    if not bucket:
        return None
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": envstr("S3_ENDPOINT_URL") or None,
            "access_key": envstr("S3_ACCESS_KEY_ID"),
            "secret_key": envstr("S3_SECRET_ACCESS_KEY"),
            "region_name": envstr("S3_REGION") or None,
            "addressing_style": envstr("S3_ADDRESSING_STYLE") or None,
            # SigV4: what AWS, MinIO, OSS and COS accept (SigV2 is deprecated)
            "signature_version": envstr("S3_SIGNATURE_VERSION", "s3v4"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": envint("S3_URL_EXPIRE_SECONDS", 3600),
            "file_overwrite": False,
        },
    }


def s3_origin(storage: dict[str, Any]) -> str:
    """The origin the bucket's URLs point to, for the Content-Security-Policy."""
    options = storage["OPTIONS"]
    endpoint = options.get("endpoint_url")
    if endpoint:
        parts = urlsplit(endpoint)
        if options.get("addressing_style") == "virtual":
            return f"{parts.scheme}://*.{parts.netloc}"
        return f"{parts.scheme}://{parts.netloc}"
    return "https://*.amazonaws.com"
