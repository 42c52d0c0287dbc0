"""docs/architecture.md's table of apps and the import-linter contracts in pyproject.toml say the same."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _contract(kind: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return next(contract for contract in config["tool"]["importlinter"]["contracts"] if contract["type"] == kind)


def test_the_architecture_table_lists_the_layers_of_the_contract_in_its_order():
    # Given the layers contract, top first, each layer a set of apps (optional ones in parentheses)
    layers = [
        {name.strip().strip("()") for name in re.split(r"[|:]", layer)} for layer in _contract("layers")["layers"]
    ]
    # When the table of docs/architecture.md is read, top first, rows of one layer number together
    rows = re.findall(r"^\| (\d+) \| (.+?) \|", (ROOT / "docs" / "architecture.md").read_text(), re.MULTILINE)
    table: dict[int, set[str]] = {}
    for number, packages in rows:
        table.setdefault(int(number), set()).update(re.findall(r"`(\w+)/`", packages))
    # Then both name the same apps in the same layers
    assert [table[number] for number in sorted(table, reverse=True)] == layers


def test_the_engine_contract_forbids_indirect_imports_too():
    contract = _contract("forbidden")
    assert contract["source_modules"] == ["plaint.engine"]
    assert contract["allow_indirect_imports"] is False
    assert {"django", "rest_framework", "huey", "plaint.core", "plaint.cases"} <= set(contract["forbidden_modules"])
