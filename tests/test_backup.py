"""bin/backup and bin/restore: back up data and media, restore into a fresh database, find the data there.

On PostgreSQL the test database itself is backed up and restored into a new database the test
creates and drops. The SQLite round trip runs on every backend: the test builds its own SQLite
file (``migrate`` and ``demo_data``), since the SQLite test database lives in memory.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import build_tree

ROOT = Path(__file__).resolve().parent.parent
BACKUP = ROOT / "bin" / "backup"
RESTORE = ROOT / "bin" / "restore"
UNIT_NAMES = ("河北省", "石家庄市", "正定县", "塔元庄村", "迁安镇")


def _run(args: list, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 — our own scripts, fixed arguments
        [str(a) for a in args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{args[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


def _env(database_url: str, media_root: Path) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url, MEDIA_ROOT=str(media_root), PYTHON=sys.executable)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the scripts read the app's own settings, as in production
    return env


def _backup_and_restore(tmp_path: Path, source_url: str, target_url: str, media_root: Path) -> tuple[Path, Path]:
    """Back up source (with media_root), restore into target and a fresh media root; return both folders."""
    backup = _run([BACKUP, tmp_path / "backups"], _env(source_url, media_root))
    folder = Path(backup.stdout.strip().splitlines()[-1])
    assert folder.is_dir() and folder.parent == tmp_path / "backups"
    assert (folder / "media.tar.gz").is_file() and (folder / "MANIFEST").is_file()
    restored_media = tmp_path / "restored-media"
    _run([RESTORE, folder], _env(target_url, restored_media))
    return folder, restored_media


def _put_media_file(media_root: Path) -> Path:
    path = media_root / "supervision" / "evidence" / "照片.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("整改照片", encoding="utf-8")
    return path.relative_to(media_root)


def _unit_counts(cursor, names, placeholder: str = "?") -> dict:
    """Rows of units_unit per name; placeholder is "?" for sqlite3, "%s" for psycopg2."""
    counts = {}
    for name in names:
        cursor.execute(f"SELECT COUNT(*) FROM units_unit WHERE name = {placeholder}", (name,))
        counts[name] = cursor.fetchone()[0]
    return counts


def test_sqlite_backup_restores_into_a_fresh_file(tmp_path):
    source = tmp_path / "source.sqlite3"
    env = _env(f"sqlite:///{source}", Path(settings.MEDIA_ROOT))
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
    _run([sys.executable, "manage.py", "demo_data", "--scale", "demo"], env)
    media_file = _put_media_file(Path(settings.MEDIA_ROOT))

    target = tmp_path / "restored" / "target.sqlite3"
    folder, restored_media = _backup_and_restore(
        tmp_path, f"sqlite:///{source}", f"sqlite:///{target}", Path(settings.MEDIA_ROOT)
    )

    assert (folder / "db.sqlite3").is_file()
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        names = [row[0] for row in src.execute("SELECT DISTINCT name FROM units_unit ORDER BY name LIMIT 20")]
        total = src.execute("SELECT COUNT(*) FROM units_unit").fetchone()[0]
        assert total > 100  # the demo tree
        assert dst.execute("SELECT COUNT(*) FROM units_unit").fetchone()[0] == total
        assert _unit_counts(dst.cursor(), names) == _unit_counts(src.cursor(), names)
        assert _unit_counts(dst.cursor(), ["河北省"]) == {"河北省": 1}
    assert (restored_media / media_file).read_text(encoding="utf-8") == "整改照片"


def _postgres_url(db: dict, name: str) -> str:
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth + '@' if auth else ''}{host}{port}/{quote(name, safe='')}"


@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_restores_into_a_fresh_database(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (set DATABASE_URL=postgres://…); the SQLite round trip runs in test_sqlite_backup_restores_into_a_fresh_file")
    import psycopg2
    from psycopg2 import sql

    build_tree()  # committed: transaction=True, so pg_dump sees it
    media_file = _put_media_file(Path(settings.MEDIA_ROOT))
    db = settings.DATABASES["default"]
    target_name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    connect = dict(host=db.get("HOST") or None, port=db.get("PORT") or None, user=db.get("USER") or None,
                   password=db.get("PASSWORD") or None)
    try:
        folder, restored_media = _backup_and_restore(
            tmp_path, _postgres_url(db, db["NAME"]), _postgres_url(db, target_name), Path(settings.MEDIA_ROOT)
        )
        assert (folder / "db.dump").is_file()
        restored = psycopg2.connect(dbname=target_name, **connect)
        try:
            with restored.cursor() as cursor:
                assert _unit_counts(cursor, UNIT_NAMES, "%s") == {name: 1 for name in UNIT_NAMES}
                cursor.execute("SELECT COUNT(*) FROM units_unit")
                assert cursor.fetchone()[0] == 9  # build_tree's units, nothing else
        finally:
            restored.close()
        assert (restored_media / media_file).read_text(encoding="utf-8") == "整改照片"
    finally:
        admin = psycopg2.connect(dbname="postgres", **connect)
        admin.autocommit = True
        try:
            with admin.cursor() as cursor:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target_name)))
        finally:
            admin.close()
