"""A procedure's id is its file name: lower-case words joined by underscores or single hyphens (`workers-union`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from plaint.engine import ProcedureError, load_text

MINIMAL = Path(__file__).parent / "fixtures" / "minimal.yaml"


def with_id(procedure_id: str) -> str:
    lines = MINIMAL.read_text(encoding="utf-8").splitlines()
    return "\n".join(f"id: {procedure_id}" if line.startswith("id:") else line for line in lines) + "\n"


@pytest.mark.parametrize("procedure_id", ["minimal", "workers-union", "werk-in-vertrouwen", "workare_handling2"])
def test_a_procedure_id_may_hold_underscores_and_single_hyphens(procedure_id: str) -> None:
    # given a procedure file whose id is a key, possibly with hyphens between its words
    text = with_id(procedure_id)
    # when it is loaded
    procedure = load_text(text, "procedure.yaml")
    # then the id is kept as written
    assert procedure.id == procedure_id


@pytest.mark.parametrize("procedure_id", ["Workers-Union", "workers--union", "-workers", "workers-", "workers union"])
def test_a_bad_procedure_id_names_the_rule(procedure_id: str) -> None:
    # given a procedure file whose id is not a valid id
    text = with_id(f"'{procedure_id}'")
    # when it is loaded
    with pytest.raises(ProcedureError) as error:
        load_text(text, "procedure.yaml")
    # then the one problem is on line 2, says why, and names an example
    (problem,) = error.value.problems
    assert problem.line == 2
    assert "not a valid procedure id" in problem.text()
    assert "'workers-union'" in problem.text()
