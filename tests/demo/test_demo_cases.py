"""`plaint demo load` loads realistic cases through the services: every stage of every procedure, live terms."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from plaint.access.models import User
from plaint.cases.models import Case, CaseEvent, Status, Term
from plaint.cases.selectors import case_view, cases_overdue
from plaint.organisations.models import Organisation
from plaint.procedures.selectors import procedure_definition, procedure_for

pytestmark = pytest.mark.django_db

# A Wednesday more than a year after the demo adoptions start (2025-01-01), so every demo case fits after them.
NOW = dt.datetime(2026, 3, 18, 10, 30, tzinfo=dt.UTC)
TODAY = NOW.date()


def _load() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("demo", "load", "--quiet", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_demo_cases_cover_every_stage_with_live_terms(frozen):
    # Given an empty installation, when the demo is loaded
    _out, err = _load()
    # then no scenario failed
    assert "scenario" not in err
    organisations = [org for org in Organisation.objects.order_by("slug") if procedure_for(organisation=org, on=TODAY)]
    assert len(organisations) == 8
    for organisation in organisations:
        adoption = procedure_for(organisation=organisation, on=TODAY)
        procedure = procedure_definition(procedure_id=adoption.procedure_id, version=adoption.version)
        cases = Case.objects.filter(organisation=organisation)
        # every stage of the organisation's procedure has a case
        assert {stage.key for stage in procedure.stages} <= set(cases.values_list("stage", flat=True)), organisation
        # some are closed, some still open
        assert cases.filter(status=Status.CLOSED).exists(), organisation
        assert cases.filter(status=Status.OPEN).exists(), organisation
        # where the procedure runs terms that can be missed, some cases are overdue and some are due within a week
        if any(not term.warn_only for term in procedure.terms):
            assert cases.filter(status=Status.OPEN, next_due__lt=TODAY).exists(), organisation
        # descriptions in the organisation's language
        assert set(cases.values_list("language", flat=True)) == {organisation.default_language}
        # the snapshots agree with what the engine makes of each history, and nothing happened in the future
        for case in cases.select_related("organisation"):
            view = case_view(case=case, today=TODAY)
            assert (view.stage, view.status) == (case.stage, case.status), case.reference
            assert case.received_on <= TODAY
            assert case.parties.filter(role="complainant").exists()
        assert not CaseEvent.objects.filter(case__organisation=organisation, on__gt=TODAY).exists()
        # terms past their due date are marked missed straight away, not at the next sweep
        assert not Term.objects.filter(case__organisation=organisation, state="pending", due__lt=TODAY).exists()
    # due soon and on time exist too, and escalations reached the board, review, committee and external bodies
    open_cases = Case.objects.filter(status=Status.OPEN, next_due__isnull=False)
    assert open_cases.filter(next_due__gte=TODAY, next_due__lte=TODAY + dt.timedelta(days=7)).exists()
    assert open_cases.filter(next_due__gt=TODAY + dt.timedelta(days=7)).exists()
    stages = set(Case.objects.values_list("stage", flat=True))
    assert {"board", "review", "committee", "external", "ombudsman"} <= stages
    # the Workers Union's procedure accepts compliments and suggestions, and the demo has both (WU-01, WU-03)
    union = Case.objects.filter(organisation__slug="workers-union")
    assert {"complaint", "compliment", "suggestion"} <= set(union.values_list("kind", flat=True))
    # handlers are assigned, and the overdue list of a senior manager shows their organisation's overdue cases
    assert Case.objects.filter(handler__isnull=False).exists()
    manager = User.objects.get(username="xs-senior-manager")
    overdue = list(cases_overdue(actor=manager, today=TODAY))
    assert overdue
    assert all(case.organisation.slug == "xs2more" and case.next_due < TODAY for case in overdue)
    dutch = Case.objects.filter(organisation__slug="werkpro").exclude(summary="").first()
    assert dutch is not None and " de " in f" {dutch.description} "
    # every complaint has a category, and the decided, closed ones a cause, for the analyses (XS-22)
    complaints = Case.objects.filter(kind="complaint")
    assert not complaints.filter(categories__isnull=True).exists()
    assert complaints.filter(status=Status.CLOSED, causes__isnull=False).exists()
    assert not complaints.filter(status=Status.OPEN, causes__isnull=False).exists()


def test_demo_cases_load_twice_adds_nothing(frozen):
    # Given the demo loaded once
    first, _ = _load()
    counts = (Case.objects.count(), CaseEvent.objects.count(), Term.objects.count())
    assert "Demo cases:" in first and counts[0] > 50
    # when it is loaded again (a day later, even)
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        second, err = _load()
    # then nothing is added
    assert (Case.objects.count(), CaseEvent.objects.count(), Term.objects.count()) == counts
    assert "Demo cases: up to date" in second
    assert "scenario" not in err


@pytest.mark.clause("WV-01")
def test_werk_in_vertrouwen_and_its_clients_have_its_categories_of_undesirable_behaviour(frozen):
    from plaint.cases.models import Category

    _load()
    wiv = Organisation.objects.get(slug="werk-in-vertrouwen")
    wanted = {"intimidation", "bullying", "aggression", "discrimination", "sexual-harassment"}
    assert wanted <= set(Category.objects.filter(organisation=wiv).values_list("code", flat=True))
    assert Category.objects.get(organisation=wiv, code="bullying").name_nl == "Pesten"
    xs = Organisation.objects.get(slug="xs2more")
    assert not wanted & set(Category.objects.filter(organisation=xs).values_list("code", flat=True))
