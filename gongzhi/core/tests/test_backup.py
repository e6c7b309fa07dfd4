"""Backup and restore as docs/operations.md tells a newcomer to do it (PostgreSQL):
``pg_dump`` of the live database, ``pg_restore`` into a new database, the same row count
in every table, ``gongzhi decisions verify --all`` passing on the restored database, and
every uploaded file the restored database names present in the restored media."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import uuid

import psycopg
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test import override_settings
from PIL import Image

from gongzhi.decisions import services as decisions
from gongzhi.reports import services as reports

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _url(settings: dict, name: str) -> str:
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{name}"


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buf, "PNG")
    return SimpleUploadedFile("photo.png", buf.getvalue(), content_type="image/png")


def _data(personas):
    """Ballots (closed secret, closed open, one still open with pending entries) and a
    report with a photo."""
    def ballot(secrecy: str):
        return decisions.ballot_create(
            actor=personas.admin, community=personas.community, title=f"备份{secrecy}",
            method="pb", budget=700, secrecy=secrecy,
            options=[{"key": "a", "label": "A", "cost": 400},
                     {"key": "b", "label": "B", "cost": 300}])

    for secrecy in ("secret", "open"):
        b = ballot(secrecy)
        decisions.ballot_open(actor=personas.admin, ballot=b)
        decisions.vote_cast(user=personas.owner, ballot=b, content={"approve": ["a"]})
        decisions.vote_cast(user=personas.verified, ballot=b, content={"approve": ["a", "b"]})
        decisions.ballot_close(actor=personas.admin, ballot=b)
    pending = ballot("secret")
    decisions.ballot_open(actor=personas.admin, ballot=pending)
    decisions.vote_cast(user=personas.owner, ballot=pending, content={"approve": ["b"]})
    return reports.report_create(actor=personas.owner, community=personas.community,
                                 category="lamp", description="路灯不亮", lat=31.2835,
                                 lon=121.5035, photos=[_png()])


def _counts(url: str, tables: list[str]) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _file_names(url: str) -> list[str]:
    names = []
    with psycopg.connect(url) as conn:
        for model in apps.get_models():
            for field in model._meta.fields:
                if isinstance(field, models.FileField):
                    rows = conn.execute(f'SELECT "{field.column}" FROM "{model._meta.db_table}" '
                                        f"WHERE \"{field.column}\" <> ''").fetchall()
                    names += [r[0] for r in rows]
    return names


def test_pg_dump_restore_keeps_every_row_ballot_and_file(personas, tmp_path):
    for tool in ("pg_dump", "pg_restore"):
        assert shutil.which(tool), f"{tool} not found: install Debian's postgresql-client"
    media = tmp_path / "media"
    with override_settings(MEDIA_ROOT=str(media)):
        report = _data(personas)
    assert report.photos.count() == 1
    live_url = _url(connection.settings_dict, connection.settings_dict["NAME"])
    restored_name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    restored_url = _url(connection.settings_dict, restored_name)
    dump = tmp_path / "gongzhi.dump"
    archive = tmp_path / "media.tgz"

    # back up, word for word as in docs/operations.md
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", live_url], check=True)
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(media, arcname="media")

    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error",
                        f"--dbname={restored_url}", str(dump)], check=True)
        restored_root = tmp_path / "restored"
        with tarfile.open(archive) as tar:
            tar.extractall(restored_root, filter="data")

        tables = sorted(connection.introspection.table_names())
        live, restored = _counts(live_url, tables), _counts(restored_url, tables)
        assert restored == live
        assert live["decisions_ballotcontent"] == 4 and live["decisions_pendingentry"] == 1

        env = dict(os.environ, DATABASE_URL=restored_url,
                   MEDIA_ROOT=str(restored_root / "media"))
        env.pop("GONGZHI_TESTING", None)
        run = subprocess.run([sys.executable, "-m", "gongzhi", "decisions", "verify", "--all"],
                             env=env, capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "3 of 3 ballots verified" in run.stdout
        assert "note: 1 entries recorded and waiting for the sequencer" in run.stdout

        names = _file_names(restored_url)
        assert names and all((restored_root / "media" / n).is_file() for n in names), names
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
