"""Reading the audit trail: verifying the chain. (Who looked at a case is `plaint.cases.audit_selectors`.)"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Max

from plaint.access.audit_checkpoints import Checkpoint
from plaint.access.models_audit import GENESIS_HASH, AuditChainHead, AuditRecord
from plaint.organisations.models import Organisation

#: Problems kept in a report; beyond this they are only counted (the scan itself runs in constant memory).
MAX_PROBLEMS = 10_000


@dataclass(frozen=True)
class Problem:
    """One break in the chain; `line` is what `plaint audit verify` prints."""

    kind: str  # altered | broken | gap | inserted | head | unknown_key | unkeyed | cut | checkpoint | signature
    first: int
    last: int | None = None
    checkpoint_at: str = ""

    @property
    def line(self) -> str:
        if self.kind == "unknown_key":
            return f"record {self.first}: signed with a key that is not configured (forged, or an old key not kept)"
        if self.kind == "unkeyed":
            return f"record {self.first}: not signed with the audit key, after signed records (rewritten)"
        if self.kind == "cut":
            return (
                f"records {self.first}–{self.last} missing: the checkpoint of {self.checkpoint_at} saw the trail up "
                f"to record {self.last} (tail cut)"
            )
        if self.kind == "checkpoint":
            return f"record {self.first}: does not match the checkpoint of {self.checkpoint_at} (rewritten)"
        if self.kind == "signature":
            return (
                f"checkpoint of {self.checkpoint_at} (record {self.first}): its signature does not hold "
                "(not written by Plaint, or its key is not configured)"
            )
        if self.kind == "gap":
            if self.last is None or self.last == self.first:
                return f"record {self.first} missing (gap in sequence)"
            return f"records {self.first}–{self.last} missing (gap in sequence)"
        if self.kind == "altered":
            return f"record {self.first}: hash does not match its content (altered)"
        if self.kind == "broken":
            return f"record {self.first}: previous hash does not match record {self.first - 1} (chain broken)"
        if self.kind == "inserted":
            return f"record {self.first}: not part of the chain (inserted behind the application's back)"
        return f"record {self.first}: does not match the chain head (altered)"


@dataclass
class VerificationReport:
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0
    last_sequence: int = 0
    last_hash: str = GENESIS_HASH

    @property
    def intact(self) -> bool:
        return not self.problems and not self.more_problems

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more_problems += 1


def _chain(records: Iterator[AuditRecord]) -> Iterator[tuple[AuditRecord, list[Problem]]]:
    """Each record with the breaks found at it: gaps before it, its own hash, its link to the record before."""
    expected = 1
    previous_hash = GENESIS_HASH
    keyed_seen = False
    for record in records:
        problems: list[Problem] = []
        after_gap = False
        if record.sequence > expected:
            problems.append(Problem("gap", expected, record.sequence - 1))
            after_gap = True
        elif record.sequence < expected:  # sequence 0: cannot come from the service
            problems.append(Problem("inserted", record.sequence))
        computed = record.computed_hash()
        if record.key_id:
            keyed_seen = True
        elif keyed_seen:  # once the trail is keyed, a record without a key was rewritten without it
            problems.append(Problem("unkeyed", record.sequence))
        if computed is None:
            problems.append(Problem("unknown_key", record.sequence))
        elif computed != record.hash:
            problems.append(Problem("altered", record.sequence))
        elif not after_gap and record.sequence >= expected and record.previous_hash != previous_hash:
            problems.append(Problem("broken", record.sequence))
        yield record, problems
        expected = max(expected, record.sequence + 1)
        previous_hash = record.hash


def audit_verify(
    *, organisation: Organisation | None = None, checkpoint: Checkpoint | None = None
) -> VerificationReport:
    """Walk the whole chain in sequence order (streamed: constant memory) and report every break.

    With an organisation, counts and reports only that organisation's records, plus every gap (a missing record
    cannot be attributed); the links are still checked across the whole chain. With a checkpoint (written outside
    the database, `plaint.access.audit_checkpoints`), the trail must still reach its record, with its hash: a cut
    tail and a rewound head are found, and so is a chain rewritten from before it.
    """
    report = VerificationReport()
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None:
        head_sequence = head.last_sequence
    else:  # no record written yet, or the head row was removed: walk everything there is
        head_sequence = AuditRecord.objects.aggregate(last=Max("sequence"))["last"] or 0
    last_seen = 0
    last_hash = GENESIS_HASH
    records = AuditRecord.objects.filter(sequence__lte=head_sequence).order_by("sequence").iterator(chunk_size=2000)
    checkpoint_hash: str | None = None
    for record, problems in _chain(records):
        if checkpoint is not None and record.sequence == checkpoint.sequence:
            checkpoint_hash = record.hash
        mine = organisation is None or record.organisation_id == organisation.pk
        report.records += 1 if mine else 0
        for problem in problems:
            if mine or problem.kind == "gap":
                report.add(problem)
        last_seen, last_hash = record.sequence, record.hash
    if head is not None:
        if last_seen < head_sequence:
            report.add(Problem("gap", last_seen + 1, head_sequence))
        elif last_hash != head.last_hash and head_sequence:
            report.add(Problem("head", head_sequence))
    # Records past the head that were there before the head was read again were not written by `audit_record`,
    # which moves the head in the transaction that adds the record.
    beyond = list(
        AuditRecord.objects.filter(sequence__gt=head_sequence)
        .order_by("sequence")
        .values_list("sequence", "organisation_id")
    )  # read before the head is read again: a record committed by `audit_record` is then within the head
    reread = AuditChainHead.objects.filter(pk=1).values_list("last_sequence", flat=True).first()
    current = max(head_sequence, reread or 0)
    for sequence, organisation_id in beyond:
        if sequence > current and (organisation is None or organisation_id == organisation.pk):
            report.add(Problem("inserted", sequence))
    if checkpoint is not None:
        _compare_with_checkpoint(report, checkpoint, last_seen, checkpoint_hash)
    report.last_sequence, report.last_hash = last_seen, last_hash
    return report


def _compare_with_checkpoint(
    report: VerificationReport, checkpoint: Checkpoint, last_seen: int, checkpoint_hash: str | None
) -> None:
    if not checkpoint.signature_valid():
        report.add(Problem("signature", checkpoint.sequence, checkpoint_at=checkpoint.at))
        return
    if checkpoint.sequence == 0:
        return
    if last_seen < checkpoint.sequence:
        report.add(Problem("cut", last_seen + 1, checkpoint.sequence, checkpoint_at=checkpoint.at))
    elif checkpoint_hash != checkpoint.hash:
        report.add(Problem("checkpoint", checkpoint.sequence, checkpoint_at=checkpoint.at))
