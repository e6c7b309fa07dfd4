"""Typed helpers that read settings from the environment (the healthchecks pattern)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


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
