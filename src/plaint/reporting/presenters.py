"""The figures of an analysis as tables with headings in English or Dutch: one list of tables serves the PDF, the
CSV, the XLSX, the JSON (so `--format json` prints exactly the numbers the PDF shows) and the workspace's analysis
page (`analysis_page`, for the staff workspace to render)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from plaint.cases.models import CHANNEL_LABELS
from plaint.engine.render.text import CATALOGUE
from plaint.organisations.models import OrganisationalUnit
from plaint.procedures.selectors import procedure_definition

SUPPRESSED = "<5"


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    chart: str | None = None  # which column to draw as bars, by its index, when the table has a chart
    note: str = ""
    chart_value: int = 1
    extra: dict[str, Any] = field(default_factory=dict)
    percent: tuple[int, ...] = ()  # the columns that hold a fraction (0.5833), shown on a page as "58%"

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "columns": self.columns, "rows": self.rows, "note": self.note}


def _word(group: str, code: str, language: str) -> str:
    if not code:
        return _("(none yet)")
    words = CATALOGUE.get(f"{group}.{code}")
    if words is None:
        return code.replace("_", " ")
    return words[1] if language == "nl" else words[0]


class _Labels:
    """Stage and term names from the procedures the organisation's cases follow (the code when none has it)."""

    def __init__(self, procedures: list[tuple[str, int]], language: str) -> None:
        self.stages: dict[str, str] = {}
        self.terms: dict[str, str] = {}
        for procedure_id, version in procedures:
            try:
                procedure = procedure_definition(procedure_id=procedure_id, version=version)
            except Exception:  # noqa: S112 - an unknown procedure only loses its labels
                continue
            for stage in procedure.stages:
                self.stages.setdefault(stage.key, stage.label.nl if language == "nl" else stage.label.en)
            for term in procedure.terms:
                self.terms.setdefault(term.key, term.label.nl if language == "nl" else term.label.en)

    def stage(self, key: str) -> str:
        return self.stages.get(key) or (key.replace("_", " ") if key else _("(none)"))

    def term(self, key: str) -> str:
        if key == "receipt_to_closure":
            return _("receipt to closure")
        return self.terms.get(key) or key.replace("_", " ")


def _change(current: int | float | None, previous: int | float | None) -> int | float | None:
    if current is None or previous is None:
        return None
    return round(current - previous, 4)


def _compare(rows: list[dict[str, Any]], previous: list[dict[str, Any]], label: Any) -> list[list[Any]]:
    before = {row["key"]: row["count"] for row in previous}
    keys = [row["key"] for row in rows] + [key for key in before if key not in {row["key"] for row in rows}]
    now = {row["key"]: row["count"] for row in rows}
    return [
        [label(key), now.get(key, 0), before.get(key, 0), _change(now.get(key, 0), before.get(key, 0))] for key in keys
    ]


def annual_tables(report: dict[str, Any], language: str) -> list[Table]:
    """The tables of an annual analysis: `report` holds `current` and `previous` figures (and `clients`)."""
    with translation.override(language):
        return _annual_tables(report, language)


def _annual_tables(report: dict[str, Any], language: str) -> list[Table]:
    current, previous = report["current"], report["previous"]
    labels = _Labels([tuple(item) for item in report.get("procedures", [])], language)
    nl = language == "nl"
    compare = [_("this period"), _("previous period"), _("change")]
    totals_names = {
        "received": _("received"),
        "complaints": _("complaints"),
        "compliments": _("compliments"),
        "suggestions": _("suggestions"),
        "still_open": _("still open"),
        "closed_in_period": _("closed in the period"),
    }
    tables = [
        Table(
            "totals",
            _("Cases"),
            [_("figure"), *compare],
            [
                [
                    name,
                    current["totals"][key],
                    previous["totals"][key],
                    current["totals"][key] - previous["totals"][key],
                ]
                for key, name in totals_names.items()
            ],
        )
    ]

    def classification(row_key: str, rows: list[dict[str, Any]]) -> dict[str, str]:
        return {row["key"]: (row.get("name_nl") if nl else row.get("name_en")) or row["key"] for row in rows}

    units = {row["key"]: row["name"] for row in current["counts"]["subject_unit"] + previous["counts"]["subject_unit"]}
    namers: dict[str, Any] = {
        "kind": lambda key: _word("kind", key, language),
        "channel": lambda key: str(CHANNEL_LABELS.get(key, key)),
        "stage": labels.stage,
        "outcome": lambda key: _word("outcome", key, language),
        "subject_unit": lambda key: units.get(key, key),
    }
    for name in ("category", "cause"):
        named = classification(name, current["counts"][name] + previous["counts"][name])
        namers[name] = lambda key, named=named: named.get(key, key)
    titles = {
        "kind": _("By kind"),
        "category": _("By category"),
        "cause": _("By cause"),
        "channel": _("By channel"),
        "subject_unit": _("By subject unit"),
        "stage": _("By stage reached"),
        "outcome": _("By outcome"),
    }
    first_column = {
        "kind": _("kind"),
        "category": _("category"),
        "cause": _("cause"),
        "channel": _("channel"),
        "subject_unit": _("subject unit"),
        "stage": _("stage"),
        "outcome": _("outcome"),
    }
    for name, title in titles.items():
        tables.append(
            Table(
                name,
                title,
                [first_column[name], *compare],
                _compare(current["counts"][name], previous["counts"][name], namers[name]),
                chart="bar" if name in ("category", "cause", "outcome") else None,
            )
        )
    before = {row["stage"]: row for row in previous["handling"]}
    tables.append(
        Table(
            "handling",
            _("Handling time"),
            [
                _("from start to"),
                _("cases"),
                _("median, days"),
                _("90th percentile, days"),
                _("median, working days"),
                _("90th percentile, working days"),
                _("previous median, working days"),
            ],
            [
                [
                    labels.term(row["stage"]),
                    row["n"],
                    row.get("days_median"),
                    row.get("days_p90"),
                    row.get("working_days_median"),
                    row.get("working_days_p90"),
                    before.get(row["stage"], {}).get("working_days_median"),
                ]
                for row in current["handling"]
            ],
            note=_(
                "Receipt to closure: cases closed in the period. Per term: terms met in the period, from the day "
                "the term started to the day it was met."
            ),
        )
    )
    if "handling_buckets" in current:  # reports stored before the buckets existed render as they did
        before_buckets = {(row["low"], row["high"]): row["count"] for row in previous.get("handling_buckets", [])}

        def bucket(low: int, high: int | None) -> str:
            if high is None:
                return _("%(low)s days or more") % {"low": low}
            return _("%(low)s to %(high)s days") % {"low": low, "high": high}

        tables.append(
            Table(
                "handling_buckets",
                _("Cases closed, by days from receipt to closure"),
                [_("closed after"), *compare],
                [
                    [
                        bucket(row["low"], row["high"]),
                        row["count"],
                        before_buckets.get((row["low"], row["high"]), 0),
                        row["count"] - before_buckets.get((row["low"], row["high"]), 0),
                    ]
                    for row in current["handling_buckets"]
                ],
                chart="bar",
                note=_("Cases closed in the period, in calendar days from the day of receipt to the day of closure."),
                extra={"buckets": [(row["low"], row["high"]) for row in current["handling_buckets"]]},
            )
        )
    before_terms = {row["key"]: row for row in previous["terms"]}
    tables.append(
        Table(
            "terms",
            _("Terms kept"),
            [
                _("term"),
                _("due in the period"),
                _("kept"),
                _("missed"),
                _("still running"),
                _("share kept"),
                _("previous share kept"),
                _("extended"),
            ],
            [
                [
                    labels.term(row["key"]),
                    row["due"],
                    row["kept"],
                    row["missed"],
                    row["running"],
                    row["share_kept"],
                    before_terms.get(row["key"], {}).get("share_kept"),
                    row["extended"],
                ]
                for row in current["terms"]
            ],
            chart="share",
            chart_value=5,
            percent=(5, 6),
            note=_("Kept: met on or before its due date, with extensions and pauses; missed: not met, or met late."),
        )
    )
    tables.append(
        Table(
            "extensions",
            _("Extensions and their reasons"),
            [_("term"), _("reason"), _("extensions")],
            [
                [labels.term(row["term"]), row["reason"] or _("(none given)"), row["count"]]
                for row in current["extensions"]
            ],
        )
    )
    levels = {"board": _("to the board"), "review": _("review"), "external": _("to an external body")}
    before_escalations = {row["level"]: row["count"] for row in previous["escalations"]}
    tables.append(
        Table(
            "escalations",
            _("Escalations and their results"),
            [_("escalation"), *compare, _("results")],
            [
                [
                    levels[row["level"]],
                    row["count"],
                    before_escalations.get(row["level"], 0),
                    row["count"] - before_escalations.get(row["level"], 0),
                    ", ".join(f"{_word('outcome', item['key'], language)}: {item['count']}" for item in row["results"]),
                ]
                for row in current["escalations"]
            ],
        )
    )
    kinds = {"agreement": _("agreements"), "measure": _("measures")}
    tables.append(
        Table(
            "follow_ups",
            _("Agreements and measures followed up"),
            [_("kind"), _("recorded"), _("done on time"), _("done late"), _("overdue"), _("not yet due")],
            [
                [
                    kinds.get(row["kind"], row["kind"]),
                    row["total"],
                    row["on_time"],
                    row["late"],
                    row["overdue"],
                    row["pending"],
                ]
                for row in current["follow_ups"]
            ],
        )
    )
    tables.append(
        Table(
            "compliments",
            _("Compliments by service and person"),
            [_("service"), _("person"), _("compliments")],
            [[row["unit"], row["person"], row["count"]] for row in current["compliments"]],
        )
    )
    tables.append(
        Table(
            "recurring",
            _("Recurring themes"),
            [_("category"), _("subject unit"), _("different complainants"), _("cases")],
            [
                [
                    (row["name_nl"] if nl else row["name_en"]) or row["category"],
                    row["unit"],
                    row["complainants"],
                    row["cases"],
                ]
                for row in current["recurring"]
            ],
            note=_("The same category and subject unit in complaints of two or more different complainants."),
        )
    )
    if report.get("clients"):
        tables.append(
            Table(
                "clients",
                _("Per client organisation"),
                [
                    _("client organisation"),
                    _("received"),
                    _("complaints"),
                    _("closed in the period"),
                    _("share of terms kept"),
                ],
                [
                    [
                        client["organisation"]["name"],
                        client["totals"]["received"],
                        client["totals"]["complaints"],
                        client["totals"]["closed_in_period"],
                        _overall_share(client["terms"]),
                    ]
                    for client in report["clients"]
                ],
                percent=(4,),
            )
        )
    return tables


def _overall_share(terms: list[dict[str, Any]]) -> float | None:
    kept = sum(row["kept"] for row in terms)
    judged = kept + sum(row["missed"] for row in terms)
    return round(kept / judged, 4) if judged else None


def quarterly_tables(report: dict[str, Any], language: str) -> list[Table]:
    """The tables of the anonymised registration; a suppressed cell reads "<5"."""
    with translation.override(language):
        nl = language == "nl"
        figures = report["current"]

        def count(value: int | None) -> int | str:
            return SUPPRESSED if value is None else value

        def party(name: str) -> str:
            return name or _("(no commissioning party)")

        note = _("Cells with 1 to 4 cases are shown as <5, so that nobody can be recognised: %(n)s cells.") % {
            "n": figures["suppressed"]
        }
        unit_kinds = dict(OrganisationalUnit.Kind.choices)
        return [
            Table(
                "months",
                _("Complaints, compliments and suggestions by month"),
                [_("commissioning party"), _("month"), _("kind"), _("cases")],
                [
                    [
                        party(row["commissioner"]),
                        row["month"],
                        _word("kind", row["kind"], language),
                        count(row["count"]),
                    ]
                    for row in figures["months"]
                ],
                note=note,
            ),
            Table(
                "categories",
                _("What the complaints were about"),
                [_("commissioning party"), _("category"), _("cases")],
                [
                    [party(row["commissioner"]), (row["name_nl"] if nl else row["name_en"]), count(row["count"])]
                    for row in figures["categories"]
                ],
                note=note,
            ),
            Table(
                "subjects",
                _("Which part of the service they were about"),
                [_("commissioning party"), _("kind of unit"), _("cases")],
                [
                    [
                        party(row["commissioner"]),
                        str(unit_kinds.get(row["unit_kind"], row["unit_kind"])),
                        count(row["count"]),
                    ]
                    for row in figures["subjects"]
                ],
                note=note,
            ),
            Table(
                "measures",
                _("Measures taken"),
                [_("commissioning party"), _("measures recorded"), _("measures completed")],
                [
                    [party(row["commissioner"]), count(row["taken"]), count(row["completed"])]
                    for row in figures["measures"]
                ],
                note=note,
            ),
        ]


def report_tables(report: dict[str, Any], language: str) -> list[Table]:
    return quarterly_tables(report, language) if report["kind"] == "quarterly" else annual_tables(report, language)


def percentage(value: Any, language: str) -> Any:
    """A fraction as a whole percentage for reading: "58%" in English, "58 %" in Dutch (with a no-break space, as
    Dutch writes it). Anything else is returned as it is."""
    if not isinstance(value, float | int) or isinstance(value, bool):
        return value
    whole = round(value * 100)
    return f"{whole}\u00a0%" if language == "nl" else f"{whole}%"


def analysis_page(report: dict[str, Any], language: str) -> dict[str, Any]:
    """What the workspace's analysis page shows (figures, tables and charts as inline SVG): the staff workspace
    renders this; it decides nothing itself."""
    from plaint.reporting.charts import table_chart

    tables = report_tables(report, language)
    return {
        "report": report,
        "tables": [{"table": table, "svg": table_chart(table, language)} for table in tables],
    }
