"""Every text a person reads exists in English and Dutch: each app's Dutch catalogue is complete and compiled."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import plaint

SOURCE = Path(plaint.__file__).parent
CATALOGUES = sorted(SOURCE.glob("*/locale/nl/LC_MESSAGES/django.po"))
ENTRY = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', re.MULTILINE)


def _text(quoted: str) -> str:
    return "".join(line[1:-1] for line in quoted.strip().split("\n"))


def test_every_app_with_texts_has_a_dutch_catalogue():
    apps_with_texts = {path.parent.name for path in SOURCE.glob("*/models.py")}
    with_catalogue = {path.parents[3].name for path in CATALOGUES}
    assert apps_with_texts - {"core"} <= with_catalogue


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parents[3].name)
def test_dutch_catalogue_is_complete_and_compiled(catalogue: Path):
    text = catalogue.read_text(encoding="utf-8")
    entries = [(_text(msgid), _text(msgstr)) for msgid, msgstr in ENTRY.findall(text + "\n")]
    untranslated = [msgid for msgid, msgstr in entries if msgid and not msgstr]
    assert untranslated == []
    assert "#, fuzzy" not in text
    compiled = catalogue.with_suffix(".mo")
    assert compiled.exists() and compiled.stat().st_mtime >= catalogue.stat().st_mtime - 1


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parents[3].name)
def test_every_text_of_the_source_is_in_the_dutch_catalogue(catalogue: Path, tmp_path, monkeypatch):
    """A new `gettext` text that nobody extracted would silently stay English: extract the app's texts afresh (as
    `makemessages` does) and compare them with the committed catalogue."""
    from django.core.management import call_command

    app = catalogue.parents[3]
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    (copy / "locale" / "nl" / "LC_MESSAGES" / "django.po").unlink()
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["nl"], verbosity=0)
    extracted = (copy / "locale" / "nl" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    committed = catalogue.read_text(encoding="utf-8")

    def msgids(text: str) -> set[str]:
        return {_text(msgid) for msgid, _msgstr in ENTRY.findall(text + "\n")} - {""}

    assert sorted(msgids(extracted) - msgids(committed)) == []
