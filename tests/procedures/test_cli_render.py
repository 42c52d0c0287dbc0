"""`plaint procedures diagram` and `plaint procedures policy`: output, files and one-line errors."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plaint.engine import load_directory
from plaint.engine.render import procedure_diagram_svg, procedure_policy_html, procedure_policy_markdown
from plaint.procedures import BUNDLED_DIR

ROOT = Path(__file__).resolve().parents[2]
RENDER_FIXTURES = ROOT / "tests" / "engine" / "render_fixtures"
PLAINT = Path(sys.executable).parent / "plaint"
IDS = load_directory(BUNDLED_DIR).ids()


def run(*args: str) -> str:
    out = StringIO()
    call_command("procedures", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("procedure_id", IDS)
def test_diagram_prints_the_svg(procedure_id: str, lang: str) -> None:
    # Given a bundled procedure / When its diagram is asked for on stdout
    output = run("diagram", procedure_id, "--lang", lang)
    # Then stdout is exactly the engine's SVG, which parses
    assert output == procedure_diagram_svg(load_directory(BUNDLED_DIR).latest(procedure_id), lang=lang)
    assert ET.fromstring(output).get("lang") == lang


def test_diagram_defaults_to_english_and_writes_a_file(tmp_path: Path) -> None:
    # Given an output path / When the diagram is written there without --lang
    target = tmp_path / "xs2more.svg"
    output = run("diagram", "xs2more", "--output", str(target))
    # Then nothing is printed and the file holds the English SVG
    assert output == ""
    assert target.read_text(encoding="utf-8") == procedure_diagram_svg(
        load_directory(BUNDLED_DIR).latest("xs2more"), lang="en"
    )


@pytest.mark.clause("WA-13", "XS-24", "WP-25")
@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("procedure_id", IDS)
def test_policy_prints_markdown_or_html(procedure_id: str, lang: str) -> None:
    # Given a bundled procedure / When its public text is asked for, as Markdown (default) and as HTML
    procedure = load_directory(BUNDLED_DIR).latest(procedure_id)
    markdown = run("policy", procedure_id, "--lang", lang)
    html = run("policy", procedure_id, "--lang", lang, "--format", "html")
    # Then they are the engine's texts, ready to publish
    assert markdown == procedure_policy_markdown(procedure, lang=lang)
    assert markdown.startswith(f"# {procedure.title.get(lang)}")
    assert html == procedure_policy_html(procedure, lang=lang)
    assert html.startswith(f'<article lang="{lang}">') and html.count("<h1>") == 1


def test_a_procedure_from_another_directory(tmp_path: Path) -> None:
    # Given a directory with a procedure of its own / When its diagram and text are asked for
    svg = run("diagram", "loops", "--directory", str(RENDER_FIXTURES), "--lang", "nl")
    text = run("policy", "loops", "--directory", str(RENDER_FIXTURES), "--lang", "nl")
    # Then both are rendered from that file
    assert "Procedure met lussen &amp; &lt;takken&gt; *test*" in svg
    assert text.startswith("# Procedure met lussen \\& \\<takken\\> \\*test\\*")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("diagram", "nope"), "unknown procedure 'nope'"),
        (("diagram", "xs2mor"), "unknown procedure 'xs2mor'; did you mean 'xs2more'?"),
        (("diagram", "xs2more", "--lang", "de"), "unsupported language 'de': choose en or nl"),
        (("policy", "nope", "--lang", "en"), "unknown procedure 'nope'"),
        (("policy", "xs2more", "--lang", "fr"), "unsupported language 'fr': choose en or nl"),
        (("policy", "xs2more", "--lang", "en", "--format", "pdf"), "unsupported format 'pdf': choose md or html"),
        (
            ("diagram", "xs2more", "--output", "/nonexistent-dir/x.svg"),
            "cannot write /nonexistent-dir/x.svg: No such file or directory",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(args: tuple[str, ...], message: str) -> None:
    # Given bad input / When the command runs / Then it stops with one clear message and exit code 2
    with pytest.raises(CommandError) as raised:
        call_command("procedures", *args)
    assert (str(raised.value), raised.value.returncode) == (message, 2)


def test_an_output_path_that_is_a_directory_is_one_line(tmp_path: Path) -> None:
    # Given an output path that is a directory / When the diagram is written there / Then one line, exit code 2
    with pytest.raises(CommandError) as raised:
        call_command("procedures", "diagram", "xs2more", "--output", str(tmp_path))
    assert raised.value.returncode == 2
    assert str(raised.value) == f"cannot write {tmp_path}: Is a directory"


@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (("diagram", "nope"), "CommandError: unknown procedure 'nope'\n"),
        (("policy", "xs2more", "--lang", "de"), "CommandError: unsupported language 'de': choose en or nl\n"),
    ],
)
def test_the_console_script_exits_2_with_one_line_on_stderr(tmp_path: Path, args: tuple[str, ...], stderr: str) -> None:
    # Given the real `plaint` command / When it is given bad input
    result = subprocess.run(
        [str(PLAINT), "procedures", *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PLAINT_DATA_DIR": str(tmp_path)},
        check=False,
    )
    # Then one line on stderr, exit code 2, no traceback, nothing on stdout
    assert (result.returncode, result.stderr, result.stdout) == (2, stderr, "")
