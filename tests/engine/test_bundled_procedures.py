"""Every bundled procedure file: it validates, each term cites the clauses it implements, and every clause it cites
exists in the clause catalogue (../shared/CLAUSES.md) under the file's own prefix."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plaint.engine import Procedure, load_directory, load_file
from plaint.procedures import BUNDLED_DIR

EXPECTED = {
    "werk-in-vertrouwen": "WV",
    "werkpro": "WP",
    "workare": "WA",
    "workare-handling": "WH",
    "workers-union": "WU",
    "xs2more": "XS",
}
CATALOGUE = Path(__file__).resolve().parents[3] / "shared" / "CLAUSES.md"


def catalogue_ids() -> set[str]:
    if not CATALOGUE.is_file():
        pytest.skip(f"the clause catalogue is not checked out beside the repository ({CATALOGUE})")
    return set(re.findall(r"^- ([A-Z]{2}-\d{2}) ", CATALOGUE.read_text(encoding="utf-8"), flags=re.MULTILINE))


def cited(value: Any) -> Iterator[str]:
    """Every clause id cited anywhere in a dumped procedure."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "clauses":
                yield from item
            else:
                yield from cited(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from cited(item)


def test_the_six_bundled_procedures_load_together() -> None:
    # given the bundled directory
    # when it is loaded as a registry
    registry = load_directory(BUNDLED_DIR)
    # then it holds exactly the six procedures, the newest version of each named after its id; an earlier version
    # kept for the cases that started under it is <id>.v<version>.yaml (WerkPro's version 1, WP-23)
    assert registry.ids() == tuple(sorted(EXPECTED))
    stems = sorted(path.stem for path in BUNDLED_DIR.glob("*.yaml"))
    assert [stem for stem in stems if ".v" not in stem] == sorted(EXPECTED)
    assert [stem for stem in stems if ".v" in stem] == ["werkpro.v1"]
    assert [procedure.version for procedure in registry.versions["werkpro"]] == [1, 2]


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def procedure(request: pytest.FixtureRequest) -> Procedure:
    return load_file(BUNDLED_DIR / f"{request.param}.yaml")


def test_each_file_is_named_after_its_id_and_uses_its_documents_prefix(procedure: Procedure) -> None:
    assert procedure.implements.clause_prefix == EXPECTED[procedure.id]


def test_every_term_cites_the_clauses_it_implements(procedure: Procedure) -> None:
    # given every term of the procedure
    # then each cites at least one clause id
    uncited = [term.key for term in procedure.terms if not term.clauses]
    assert uncited == []


def test_every_stage_and_letter_cites_clauses(procedure: Procedure) -> None:
    uncited = [f"stage {stage.key}" for stage in procedure.stages if not stage.clauses]
    uncited += [f"letter {letter.key}" for letter in procedure.letters if not letter.clauses]
    assert uncited == []


def test_every_cited_clause_exists_in_the_catalogue_under_the_files_prefix(procedure: Procedure) -> None:
    # given the clause catalogue
    known = catalogue_ids()
    # when every clause id the procedure cites is collected
    ids = set(cited(procedure.model_dump()))
    # then each belongs to the file's document and exists in the catalogue
    prefix = procedure.implements.clause_prefix
    assert ids, "the procedure cites no clause at all"
    assert {clause for clause in ids if not clause.startswith(f"{prefix}-")} == set()
    assert ids - known == set()


def test_every_clause_of_the_catalogue_is_cited_by_its_procedure(procedure: Procedure) -> None:
    # given the clauses of this procedure's document in the catalogue
    prefix = procedure.implements.clause_prefix
    wanted = {clause for clause in catalogue_ids() if clause.startswith(f"{prefix}-")}
    # then the procedure cites every one of them somewhere
    assert wanted - set(cited(procedure.model_dump())) == set()
