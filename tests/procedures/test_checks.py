from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

import plaint.procedures
from plaint.procedures.checks import bundled_procedures_valid


def test_bundled_procedures_pass_the_system_check():
    # Given the procedures Plaint ships, when Django runs its checks, then none is reported
    assert bundled_procedures_valid() == []


def test_an_invalid_bundled_file_stops_start_up_with_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Given a bundled directory holding a file with a mistake on line 2
    (tmp_path / "broken.yaml").write_text("id: broken\nversion: [1\n", encoding="utf-8")
    monkeypatch.setattr(plaint.procedures, "BUNDLED_DIR", tmp_path)
    # When Django checks the installation
    errors = bundled_procedures_valid()
    # Then the check names the file and line, with id plaint.E001, and `plaint check` fails
    assert [error.id for error in errors] == ["plaint.E001"]
    assert "broken.yaml:" in errors[0].msg
    with pytest.raises(SystemCheckError):
        call_command("check")
