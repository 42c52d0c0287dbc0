"""`plaint procedures list|check|plan`: output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "engine" / "fixtures"
PLAINT = Path(sys.executable).parent / "plaint"


def run(*args: str) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("procedures", *args, stdout=out)
    except SystemExit as exit_:
        return out.getvalue(), int(exit_.code or 0)
    return out.getvalue(), 0


def test_list_shows_the_bundled_procedures() -> None:
    output, code = run("list")
    assert code == 0
    assert "xs2more              v1   2024-01-01  Xs2more complaints procedure" in output.splitlines()
    assert "werkpro              v1   2022-02-01  WerkPro complaints regulation for clients" in output.splitlines()


def test_check_a_valid_file() -> None:
    output, code = run("check", str(FIXTURES / "minimal.yaml"))
    assert (output, code) == (f"{FIXTURES / 'minimal.yaml'}: ok\n", 0)


def test_check_broken_files_prints_path_line_message_and_exits_1() -> None:
    output, code = run("check", str(FIXTURES / "minimal.yaml"), str(FIXTURES / "unknown_event.yaml"))
    assert code == 1
    assert output.splitlines() == [
        f"{FIXTURES / 'minimal.yaml'}: ok",
        f"{FIXTURES / 'unknown_event.yaml'}:36: terms[0].met_by[0]: unknown event 'acknowledgd'; "
        "did you mean 'acknowledged'?",
    ]


def test_check_in_dutch() -> None:
    output, code = run("check", "--lang", "nl", str(FIXTURES / "missing_field.yaml"))
    assert code == 1
    assert output == f"{FIXTURES / 'missing_field.yaml'}:19: stages[0]: verplicht veld 'label' ontbreekt\n"


def test_plan_json() -> None:
    output, code = run("plan", "xs2more", "--received", "2025-04-07", "--at", "acknowledged=2025-04-08", "--json")
    assert code == 0
    document = json.loads(output)
    assert document["procedure"] == "xs2more"
    assert document["version"] == 1
    assert document["deadlines"][0] == {
        "key": "acknowledgement",
        "label": "Acknowledge receipt",
        "anchor": "received",
        "anchor_date": "2025-04-07",
        "due": "2025-04-22",
        "party": "organisation",
    }
    assert [d["key"] for d in document["deadlines"]] == [
        "acknowledgement",
        "taken_into_handling",
        "refusal_notice",
        "handling",
        "handling.extended",
    ]


def test_plan_text() -> None:
    output, code = run("plan", "werkpro", "--received", "2025-04-14")
    assert code == 0
    lines = output.splitlines()
    assert lines[0] == "werkpro v1: WerkPro complaints regulation for clients; received 2025-04-14"
    assert lines[2].startswith("2025-05-26  officer_handling ")
    assert lines[2].endswith("(6 weeks from escalated on 2025-04-14) [WP-12]")


def test_plan_text_in_dutch_reads_days_and_durations_in_dutch_and_lists_the_complainants_limit() -> None:
    output, code = run("plan", "werkpro", "--received", "2025-04-14", "--lang", "nl")
    assert code == 0
    lines = output.splitlines()
    assert lines[0].endswith("; ontvangen op 14 april 2025")
    assert lines[2].strip().startswith("26 mei 2025  officer_handling ")
    assert lines[2].endswith("(6 weken vanaf escalated op 14 april 2025) [WP-12]")
    limit = next(line for line in lines if "klachtencommissie_md.internal_closed" in line)
    assert limit.strip().startswith("26 november 2025")
    assert "6 maanden vanaf internal_closed op 26 mei 2025; de eigen termijn van de klager) [WP-15]" in limit
    assert not any(word in output for word in (" weeks", " months", "2025-"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("plan", "xs2mor", "--received", "2025-04-07"), "unknown procedure 'xs2mor'; did you mean 'xs2more'?"),
        (("plan", "xs2more", "--received", "2025-04-31"), "'2025-04-31' is not a date (YYYY-MM-DD)"),
        (
            ("plan", "xs2more", "--received", "2025-04-07", "--at", "decide=2025-05-01"),
            "unknown event 'decide'; did you mean 'decided'?",
        ),
        (("plan", "xs2more", "--received", "2025-04-07", "--at", "decided"), "'decided' is not EVENT=YYYY-MM-DD"),
    ],
)
def test_plan_bad_input_is_one_line_and_exit_code_2(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("procedures", *args)
    assert (str(raised.value), raised.value.returncode) == (message, 2)


def test_the_console_script_exits_2_with_one_line_on_stderr(tmp_path: Path) -> None:
    # Given the real `plaint` command / When planning an unknown procedure
    result = subprocess.run(
        [str(PLAINT), "procedures", "plan", "nope", "--received", "2025-04-07"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PLAINT_DATA_DIR": str(tmp_path)},
        check=False,
    )
    # Then one line on stderr, exit code 2, no traceback
    assert result.returncode == 2
    assert result.stderr == "CommandError: unknown procedure 'nope'\n"


def test_the_console_script_check_exits_1(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(PLAINT), "procedures", "check", str(FIXTURES / "yaml_syntax.yaml")],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PLAINT_DATA_DIR": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == (
        f"{FIXTURES / 'yaml_syntax.yaml'}:6: YAML syntax error: expected ',' or '}}', but got ':' "
        "while parsing a flow mapping\n"
    )
    assert result.stderr == ""
