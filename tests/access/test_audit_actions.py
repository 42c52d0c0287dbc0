"""One catalogue of audit actions: the trail holds only catalogued actions, and docs/audit.md shows the catalogue."""

from __future__ import annotations

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from plaint.access.audit_actions import AUDIT_ACTIONS, catalogue_markdown, is_catalogued
from plaint.access.audit_services import AuditDetailsInvalid, audit_record
from plaint.engine import vocabulary

ROOT = Path(__file__).resolve().parents[2]
START, END = "<!-- audit-actions:start -->", "<!-- audit-actions:end -->"


def test_docs_show_the_catalogue():
    # Given the catalogue as `plaint audit actions` prints it
    out = StringIO()
    call_command("audit", "actions", stdout=out)
    assert out.getvalue().strip() == catalogue_markdown()
    # Then docs/audit.md holds exactly that table
    page = (ROOT / "docs" / "audit.md").read_text()
    shown = page.split(START, 1)[1].split(END, 1)[0].strip()
    assert shown == catalogue_markdown(), "docs/audit.md is out of date: paste `plaint audit actions` between markers"


def test_every_literal_action_in_the_code_is_catalogued():
    # Given every string literal passed as `action=` to audit_record or a module's own _audit helper
    found: set[str] = set()
    for path in (ROOT / "src" / "plaint").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name not in {"audit_record", "_audit"}:
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                        found.add(keyword.value.value)
                for argument in node.args[1:2]:  # correspondence's _audit(email, "email.sent")
                    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                        found.add(argument.value)
            elif isinstance(node, ast.Tuple) and node.elts and isinstance(node.elts[0], ast.Constant):
                value = node.elts[0].value  # party_services: action, kind = "case.consent.withdrawn", ...
                if isinstance(value, str) and value.startswith("case.consent."):
                    found.add(value)
    # Then each is in the catalogue, and (but for the one pattern) every catalogued action is used somewhere
    assert {action for action in found if not is_catalogued(action)} == set()
    unused = set(AUDIT_ACTIONS) - found - {"case.action.<event>"}
    assert unused == set()


def test_every_event_of_the_vocabulary_is_a_catalogued_case_action():
    assert all(is_catalogued(f"case.action.{event}") for event in vocabulary.EVENTS)
    assert not is_catalogued("case.action.<event>")
    assert not is_catalogued("case.action.made_up")


@pytest.mark.django_db
def test_an_action_outside_the_catalogue_is_refused():
    with pytest.raises(AuditDetailsInvalid, match="not in the catalogue"), transaction.atomic():
        audit_record(actor=None, action="case.exported", target_type="case", target_id=1)
