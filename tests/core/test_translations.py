"""Everything a user reads is French: every message marked in the code is in locale/fr, translated."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = Path("locale/fr/LC_MESSAGES/django.po")
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "__pycache__", "staticfiles", "node_modules", "*.sqlite3", "media")


def entries(po_text: str) -> list[tuple[list[str], str, str]]:
    """(flags, msgid, msgstr) of each entry; plural entries give their first form."""
    found = []
    for block in po_text.split("\n\n"):
        flags, fields, current = [], {}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith(("msgid ", "msgstr ", "msgstr[0] ")):
                current, _space, text = line.partition(" ")
                fields[current] = text[1:-1]
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
            elif line.startswith(("msgid_plural", "msgstr[")):
                current = None
        if fields.get("msgid"):
            found.append((flags, fields["msgid"], fields.get("msgstr", fields.get("msgstr[0]", ""))))
    return found


def test_the_committed_catalogue_is_complete():
    problems = [msgid for flags, msgid, msgstr in entries((ROOT / CATALOGUE).read_text("utf-8"))
                if not msgstr or "fuzzy" in flags]
    assert problems == []


def test_no_message_of_the_code_is_missing_from_the_catalogue(tmp_path):
    require(shutil.which("xgettext") is not None, "gettext's xgettext is not installed (apt-get install gettext)")
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=NOT_SOURCES)
    subprocess.run([sys.executable, "manage.py", "makemessages", "--locale", "fr", "--no-obsolete", "-v0"],
                   cwd=copy, check=True, env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"})
    committed = {msgid for _flags, msgid, _msgstr in entries((ROOT / CATALOGUE).read_text("utf-8"))}
    extracted = {msgid for _flags, msgid, _msgstr in entries((copy / CATALOGUE).read_text("utf-8"))}
    assert sorted(extracted - committed) == []
