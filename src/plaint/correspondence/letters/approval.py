"""A second person's approval before a letter goes out (docs/letters.md, "Approval").

An organisation chooses which of its procedures' letters need it (`LetterApprovalRule`, set by its administrators).
Such a letter's effect renders and stores every copy as a draft (`Letter.approval` = pending) and sends nothing. A
second person, someone who may act on the case other than the one whose action (or words) made the draft, then:

* approves it (`letter_approve`): every copy goes out through the same path as any letter (email with its PDF, or
  the "to be posted" list), once: its email's key is the letter's. The letter counts as sent on the day it went out,
  so its term is judged on that day, not on the day it was drafted or approved;
* or returns it with a comment (`letter_return`): nothing goes out; the copies stay on the case as returned, and a
  person writes the letter again in their own words (`letter_write`), which makes a new draft for approval.

A letter of a missed term (the explanation of a delay, WU-10, WA-07) has no action and so nobody's words: its effect
waits for them (`waiting: words`), and `letter_write` is how a person gives them. Each of these is a record event on
the case (`letter_approved`, `letter_returned`, `letter_written`) and an audit record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.cases.models import Case, Effect
from plaint.cases.services import authorise_act, case_record_event
from plaint.cases.visibility_selectors import cases_visible_to
from plaint.core import clock
from plaint.core.errors import Conflict, Forbidden, InvalidInput
from plaint.correspondence.letters.catalogue import bundled_procedure
from plaint.correspondence.models import Letter, LetterApproval, LetterApprovalRule
from plaint.organisations.models import Organisation
from plaint.organisations.selectors import people_with_role

#: The approval states of a letter that may go out.
RELEASED = (LetterApproval.NOT_NEEDED, LetterApproval.APPROVED)
MAX_COMMENT = 2000
MAX_WORDS = 10_000


class LetterNotWaiting(Conflict):
    code = "letter_not_waiting"


class SamePersonApproves(Forbidden):
    code = "letter_same_person"


# The organisation's rule


def letter_requires_approval(*, organisation: Organisation, procedure_id: str, letter_key: str) -> bool:
    return LetterApprovalRule.objects.filter(
        organisation=organisation, procedure_id=procedure_id, letter_key=letter_key
    ).exists()


def letters_requiring_approval(*, organisation: Organisation) -> set[tuple[str, str]]:
    return set(LetterApprovalRule.objects.filter(organisation=organisation).values_list("procedure_id", "letter_key"))


def _administrator(organisation: Organisation, actor: User) -> bool:
    return (
        actor.is_superuser
        or people_with_role(organisation=organisation, role="administrator").filter(user=actor).exists()
    )


def letter_approval_rule_set(
    *,
    organisation: Organisation,
    procedure_id: str,
    letter_key: str,
    required: bool,
    actor: User,
    source: AuditSource | None = None,
) -> bool:
    """Require (or no longer require) a second person's approval of this letter; only an administrator of the
    organisation (or a superuser). Applies to letters drafted from then on. True when it changed anything."""
    if not _administrator(organisation, actor):
        raise Forbidden(_("Only an administrator of the organisation may change its letters."))
    procedure = bundled_procedure(procedure_id)
    if procedure is None or letter_key not in procedure.letter_by_key:
        raise InvalidInput(_("There is no such letter."), errors={"letter": [_("Unknown letter.")]})
    with transaction.atomic():
        rules = LetterApprovalRule.objects.filter(
            organisation=organisation, procedure_id=procedure_id, letter_key=letter_key
        )
        if required == rules.exists():
            return False
        if required:
            LetterApprovalRule.objects.create(
                organisation=organisation,
                procedure_id=procedure_id,
                letter_key=letter_key,
                updated_by=actor,
                updated_at=clock.now(),
            )
        else:
            rules.delete()
        audit_record(
            actor=actor,
            action="letter.approval_rule_set",
            target_type="organisation",
            target_id=organisation.pk,
            organisation=organisation,
            details={"procedure": procedure_id, "letter": letter_key, "required": required},
            source=source,
        )
    return True


# Reads


@dataclass(frozen=True)
class LetterDraft:
    """One letter of one effect as it now stands: its copies (one per recipient) of the latest round."""

    effect: Effect
    case: Case
    copies: list[Letter]
    state: str  # pending | returned | words (a missed term's letter waiting for a person's words)

    @property
    def title(self) -> str:
        return self.copies[0].title if self.copies else str(self.effect.payload.get("letter", ""))

    @property
    def drafted_by(self) -> Any:
        return self.copies[0].drafted_by if self.copies else None

    @property
    def comment(self) -> str:
        return self.copies[0].approval_comment if self.copies else ""

    @property
    def key(self) -> str:
        return str(self.effect.payload.get("letter", self.effect.kind.partition(".")[2]))


def _round(row: Letter) -> int:
    """Which writing of the effect's letter this copy is: 0 the first, then one more each time a person wrote it
    (its key, `effect:<id>:r<n>:<recipient>`)."""
    marker = row.dedupe_key.split(":")[2] if row.dedupe_key.count(":") >= 2 else ""
    return int(marker[1:]) if marker.startswith("r") and marker[1:].isdigit() else 0


def _latest(letters: list[Letter]) -> list[Letter]:
    """The copies of the latest writing among the letters of one effect."""
    if not letters:
        return []
    last = max(_round(row) for row in letters)
    return [row for row in letters if _round(row) == last]


def letter_draft_of(*, effect: Effect) -> LetterDraft | None:
    """The effect's letter when it is waiting for a person (approval, a rewrite, or words); None otherwise."""
    rows = Letter.objects.filter(effect=effect).select_related("drafted_by", "approval_by").order_by("created_at", "pk")
    return _draft(effect, list(rows))


def _draft(effect: Effect, rows: list[Letter]) -> LetterDraft | None:
    latest = _latest(rows)
    if latest:
        state = latest[0].approval
        if state in (LetterApproval.PENDING, LetterApproval.RETURNED):
            return LetterDraft(effect=effect, case=effect.case, copies=latest, state=state)
        return None
    if effect.state == "done" and effect.result.get("waiting") == "words" and not _sent(effect):
        return LetterDraft(effect=effect, case=effect.case, copies=[], state="words")
    return None


def _sent(effect: Effect) -> bool:
    """Someone recorded the letter as sent another way (handed over, say): it no longer waits."""
    key = str(effect.payload.get("letter", ""))
    return effect.case.events.filter(kind="letter_sent", data__letter=key, recorded_at__gte=effect.created_at).exists()


def _drafts(effects: QuerySet[Effect]) -> list[LetterDraft]:
    """The drafts among letter effects: waiting copies (pending or returned), or a missed term's letter waiting for
    words; their letters read in one query, oldest effect first."""
    waiting = effects.filter(
        Q(
            pk__in=Letter.objects.filter(approval__in=[LetterApproval.PENDING, LetterApproval.RETURNED]).values(
                "effect_id"
            )
        )
        | Q(state="done", kind__startswith="letter.", result__waiting="words")
    )
    found = list(waiting.select_related("case", "case__organisation").order_by("created_at", "pk"))
    rows: dict[int, list[Letter]] = {effect.pk: [] for effect in found}
    letters = Letter.objects.filter(effect__in=found).select_related("drafted_by", "approval_by")
    for row in letters.order_by("created_at", "pk"):
        rows[row.effect_id].append(row)  # type: ignore[index]
    return [draft for effect in found if (draft := _draft(effect, rows[effect.pk]))]


def letters_waiting(*, actor: User) -> list[LetterDraft]:
    """The letters of cases the actor may see that wait for a person: for approval, to be written again after they
    were returned, or for the words of a missed term's letter; oldest first."""
    return _drafts(Effect.objects.filter(case__in=cases_visible_to(actor=actor)))


def letters_waiting_of_case(*, case: Case) -> list[LetterDraft]:
    """The letters of one case that wait for a person (as `letters_waiting`), for its case page; oldest first."""
    return _drafts(Effect.objects.filter(case=case))


def may_approve(*, draft: LetterDraft, actor: User) -> bool:
    """Whether the actor is a second person for this draft (not its author)."""
    return draft.state == LetterApproval.PENDING and (draft.drafted_by is None or draft.drafted_by.pk != actor.pk)


# Decisions


def _lock(effect: Effect) -> tuple[Case, list[Letter]]:
    case = Case.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=effect.case_id)
    rows = list(Letter.objects.select_for_update().filter(effect=effect).order_by("created_at", "pk"))
    return case, _latest(rows)


def _audit(*, action: str, case: Case, actor: User, details: dict[str, Any], source: AuditSource | None) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="case",
        target_id=case.pk,
        organisation=case.organisation,
        reference=case.reference,
        details=details,
        source=source,
    )


def _decide(effect: Effect, actor: User, decision: str) -> tuple[Case, list[Letter]]:
    """Lock the case and the letter's copies, check that they wait for approval and that the actor is a second
    person, and set the decision on each copy (the caller saves them)."""
    case, rows = _lock(effect)
    if not rows or any(row.approval != LetterApproval.PENDING for row in rows):
        raise LetterNotWaiting(_("This letter is not waiting for approval (anymore)."))
    if any(row.drafted_by_id == actor.pk for row in rows):
        raise SamePersonApproves(_("A second person approves a letter: not the one who wrote it."))
    now = clock.now()
    for row in rows:
        row.approval, row.approval_by, row.approval_at = decision, actor, now
    return case, rows


def letter_approve(*, effect: Effect, actor: User, source: AuditSource | None = None) -> list[Letter]:
    """A second person approves the letter: every copy goes out now (email with its PDF, or the "to be posted"
    list). Refused for its author, for someone who may not act on the case, and for a letter not waiting for
    approval (approved already: it never goes twice)."""
    from plaint.correspondence.letters.sending import letter_release

    authorise_act(case=effect.case, actor=actor, source=source)
    with transaction.atomic():
        case, rows = _decide(effect, actor, LetterApproval.APPROVED)
        for row in rows:
            row.case = case
            row.save(update_fields=["approval", "approval_by", "approval_at"])
            letter_release(row, actor=actor)
        ids = [row.pk for row in rows]
        case_record_event(case=case, kind="letter_approved", actor=actor, data={"letter": rows[0].key, "letters": ids})
        _audit(
            action="letter.approved",
            case=case,
            actor=actor,
            details={"letter": rows[0].key, "letters": ids},
            source=source,
        )
    return rows


def letter_return(*, effect: Effect, actor: User, comment: str, source: AuditSource | None = None) -> list[Letter]:
    """A second person refuses the letter with a comment: nothing goes out; it waits to be written again."""
    comment = comment.strip()
    if not comment:
        raise InvalidInput(
            _("Say why the letter is returned, so that its writer knows what to change."),
            errors={"comment": [_("Enter a comment.")]},
        )
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(_("The comment is too long."), errors={"comment": [_("At most 2,000 characters.")]})
    authorise_act(case=effect.case, actor=actor, source=source)
    with transaction.atomic():
        case, rows = _decide(effect, actor, LetterApproval.RETURNED)
        for row in rows:
            row.approval_comment = comment
            row.save(update_fields=["approval", "approval_by", "approval_at", "approval_comment"])
        ids = [row.pk for row in rows]
        case_record_event(
            case=case, kind="letter_returned", actor=actor, data={"letter": rows[0].key, "letters": ids}, note=comment
        )
        _audit(
            action="letter.returned",
            case=case,
            actor=actor,
            details={"letter": rows[0].key, "letters": ids},
            source=source,
        )
    return rows


def letter_write(
    *,
    effect: Effect,
    actor: User,
    words: str,
    new_due: dt.date | None = None,
    source: AuditSource | None = None,
) -> list[Letter]:
    """A person writes the letter (again): a missed term's letter waiting for their words (required), or a letter
    returned by its approver, rendered anew from the case as it is now and the organisation's template, with their
    words (optional) where the action's note was used. It is checked like any letter (what it must contain) and goes
    out, or waits for a second person's approval when the organisation requires it. Refused for a letter that waits
    for nothing (already sent, or waiting for approval)."""
    from plaint.correspondence.letters.sending import letter_draft

    words = words.strip()
    if len(words) > MAX_WORDS:
        raise InvalidInput(_("The text is too long."), errors={"words": [_("At most 10,000 characters.")]})
    authorise_act(case=effect.case, actor=actor, source=source)
    if new_due is not None and new_due < clock.today_for(effect.case.organisation):
        raise InvalidInput(_("The date is in the past."), errors={"new_due": [_("Give today or a later date.")]})
    with transaction.atomic():
        case, _rows = _lock(effect)
        locked = Effect.objects.select_for_update().get(pk=effect.pk)
        draft = letter_draft_of(effect=locked)
        if draft is None or draft.state == LetterApproval.PENDING:
            raise LetterNotWaiting(_("This letter is not waiting to be written."))
        if draft.state == "words" and not words:
            raise InvalidInput(_("Write the letter's words."), errors={"words": [_("Enter the letter's words.")]})
        written = list(Letter.objects.filter(effect=locked))
        round_ = max(_round(row) for row in written) + 1 if written else 0
        case_record_event(
            case=case,
            kind="letter_written",
            actor=actor,
            data={"letter": draft.key, "round": round_, **({"new_due": new_due.isoformat()} if new_due else {})},
        )
        result = letter_draft(effect=locked, words=words, new_due=new_due, actor=actor, round_=round_)
        locked.result = {**locked.result, **result, "waiting": ""}
        locked.save(update_fields=["result"])
        _audit(
            action="letter.written",
            case=case,
            actor=actor,
            details={"letter": draft.key, "letters": result["letters"], "approval": result.get("approval", "")},
            source=source,
        )
    return list(Letter.objects.filter(pk__in=result["letters"]).order_by("pk"))


def letter_copies(*, effect: Effect) -> QuerySet[Letter]:
    return Letter.objects.filter(effect=effect).order_by("created_at", "pk")
