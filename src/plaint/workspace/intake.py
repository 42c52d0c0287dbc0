"""Staff intake (WU-06, XS-01, XS-02): what registering a case would give, shown before it is saved.

`intake_preview` registers the case with `case_register` inside a transaction that is then rolled back: the warnings
(admissibility, who may complain), the routing (which roles handle the first stage and who holds them) and the
conflicts of interest are exactly those the real registration will give, and nothing is kept: no reference, no
history, no audit record, no letter (effects are queued on commit, which never comes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from plaint.access.models import User
from plaint.cases.models import Case
from plaint.cases.selectors import case_view
from plaint.cases.services import Registration, case_register
from plaint.organisations.models import Organisation
from plaint.procedures.selectors import procedure_definition
from plaint.workspace.case_page import Conflict, _lang, _people, conflicts_of
from plaint.workspace.selectors import stage_label


@dataclass(frozen=True)
class IntakePreview:
    stage: str
    handled_by: list[str]  # roles
    people: list[str]  # who holds those roles now
    conflicts: list[Conflict]
    warnings: list[str]
    terms: list[tuple[str, dt.date]]


class _DryRun(Exception):
    pass


def intake_preview(*, actor: User, organisation: Organisation, registration: Registration) -> IntakePreview:
    """What registering would give, without keeping anything. Refusals (`PlaintError`) are raised as
    `case_register` raises them."""
    found: list[IntakePreview] = []
    try:
        with transaction.atomic():
            case = case_register(organisation=organisation, registration=registration, actor=actor)
            found.append(_preview(case))
            raise _DryRun
    except _DryRun:
        pass
    return found[0]


def _preview(case: Case) -> IntakePreview:
    case = (
        Case.objects.select_related("organisation").prefetch_related("parties__person", "parties__unit").get(pk=case.pk)
    )
    procedure = procedure_definition(procedure_id=case.procedure_id, version=case.procedure_version)
    view = case_view(case=case)
    lang = _lang()
    roles = sorted({assignment.role for assignment in view.responsible})
    conflicts = conflicts_of(case)
    excluded = {conflict.name for conflict in conflicts}
    people = [name for _pk, name in _people(case, set(roles) or None) if name not in excluded]
    terms = [
        (procedure.term_by_key[term.key].label.get(lang) if term.key in procedure.term_by_key else term.key, term.due)
        for term in view.terms
        if term.state in ("pending", "extended")
    ]
    return IntakePreview(
        stage=stage_label(procedure, case.stage, lang),
        handled_by=roles,
        people=people,
        conflicts=conflicts,
        warnings=[message.text(lang) for message in view.warnings],
        terms=terms,
    )
