"""Letters made due by a missed term leave through the effect path (issue #10): the sweep that marks the term missed
writes the `letter.<key>` effect once; a letter Plaint can write from the case goes out by itself (WH-01's notice that
the Legal Ombudsman may now be asked); the explanation of a delay (WA-07, WU-10) waits for a person's reasons, then
goes out with them and the new date, and counts as sent on that day."""

from __future__ import annotations

import datetime as dt

import pytest

from plaint.cases.effects import effects_sweep
from plaint.cases.models import Effect, EffectState
from plaint.cases.selectors import case_view
from plaint.cases.services import case_act, cases_sweep
from plaint.core.errors import InvalidInput
from plaint.correspondence.letters.approval import letter_write, letters_waiting
from plaint.correspondence.models import Letter
from plaint.correspondence.services import outbox_sweep
from tests.cases.factories import organisation_running, register, staff

pytestmark = pytest.mark.django_db


def _deliver() -> None:
    effects_sweep()
    outbox_sweep()


def _due(case) -> list[str]:
    case.refresh_from_db()
    return [letter.key for letter in case_view(case=case).letters_due]


@pytest.mark.clause("WA-07")
@pytest.mark.parametrize(("lang", "words"), [("en", "Our investigator is ill"), ("nl", "Onze onderzoeker is ziek")])
def test_a_missed_first_response_makes_the_delay_explanation_wait_for_reasons_then_go_WA_07(smtp, frozen, lang, words):
    organisation = organisation_running("workare")
    officer = staff(organisation, "intake_staff", "manager")
    case = register(organisation, officer, language=lang)
    case_act(case=case, actor=officer, action="acknowledged")
    _deliver()
    assert len(smtp.mailbox.messages) == 1  # the acknowledgement
    # Given ten working days pass without a response (Tuesday 17 March + 10 working days = Tuesday 31 March)
    frozen.move_to(dt.datetime(2026, 3, 31, 22, 59, tzinfo=dt.UTC))  # 23:59 in London: not missed yet
    cases_sweep()
    assert not Effect.objects.filter(case=case, kind="letter.delay_explanation").exists()
    frozen.move_to(dt.datetime(2026, 3, 31, 23, 1, tzinfo=dt.UTC))  # 00:01 on 1 April in London: missed
    cases_sweep()
    cases_sweep()  # a second sweep writes nothing twice
    [effect] = Effect.objects.filter(case=case, kind="letter.delay_explanation")
    assert effect.event is None and effect.payload["because"] == "missed:first_response"
    _deliver()
    effect.refresh_from_db()
    # Then it waits for a person's reasons: done, nothing stored or sent, listed as waiting
    assert effect.state == EffectState.DONE and effect.result["waiting"] == "words"
    assert not Letter.objects.filter(effect=effect).exists() and len(smtp.mailbox.messages) == 1
    [waiting] = letters_waiting(actor=officer)
    assert waiting.state == "words" and waiting.effect == effect
    assert "delay_explanation" in _due(case)
    with pytest.raises(InvalidInput):
        letter_write(effect=effect, actor=officer, words=" ")
    # When the person gives the reasons and the new date
    [letter] = letter_write(effect=effect, actor=officer, words=words, new_due=dt.date(2026, 4, 20))
    _deliver()
    # Then it goes out with them, and counts as sent today
    assert words in letter.body_text and ("20 April 2026" in letter.body_text or "20 april 2026" in letter.body_text)
    assert len(smtp.mailbox.messages) == 2 and words in smtp.mailbox.messages[-1].get_body(("plain",)).get_content()
    assert "delay_explanation" not in _due(case)
    assert case.events.get(kind="letter_sent", data__letter="delay_explanation").on == dt.date(2026, 4, 1)
    assert letters_waiting(actor=officer) == []


@pytest.mark.clause("WH-01")
def test_the_ombudsman_notice_goes_by_itself_when_eight_weeks_pass_WH_01(smtp, frozen):
    organisation = organisation_running("workare-handling")
    officer = staff(organisation, "intake_staff", "manager")
    case = register(organisation, officer)
    frozen.move_to(dt.datetime(2026, 5, 13, 9, 0, tzinfo=dt.UTC))  # received 17 March + 8 weeks = 12 May
    cases_sweep()
    _deliver()
    [letter] = Letter.objects.filter(case=case, key="ombudsman_notice")
    assert "enquiries@legalombudsman.org.uk" in letter.body_text or "Legal Ombudsman" in letter.body_text
    assert any("Legal Ombudsman" in message.get_body(("plain",)).get_content() for message in smtp.mailbox.messages)
    assert "ombudsman_notice" not in _due(case)
