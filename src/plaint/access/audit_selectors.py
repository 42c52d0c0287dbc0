"""Reading the audit trail: verifying its chains (one per organisation, the system's, the legacy one).

(Who looked at a case is `plaint.cases.audit_selectors`.)"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Max, Min

from plaint.access.audit_checkpoints import Checkpoint
from plaint.access.models_audit import (
    GENESIS_HASH,
    LEGACY_CHAIN,
    AuditChainHead,
    AuditRecord,
    chain_of,
    organisation_of_chain,
)
from plaint.organisations.models import Organisation

#: Problems kept in a report; beyond this they are only counted (the scan itself runs in constant memory).
MAX_PROBLEMS = 10_000


@dataclass(frozen=True)
class Problem:
    """One break in a chain; `line` is what `plaint audit verify` prints. `first` and `last` are places in the chain
    named by `chain` (its label: the organisation's slug, `system`; empty for the legacy chain, whose places are the
    global sequence numbers)."""

    kind: str  # altered | broken | gap | inserted | head | unknown_key | unkeyed | cut | checkpoint | signature
    first: int
    last: int | None = None
    checkpoint_at: str = ""
    chain: str = ""

    @property
    def line(self) -> str:
        prefix = f"[{self.chain}] " if self.chain else ""
        return prefix + self._text()

    def _text(self) -> str:
        if self.kind == "unknown_key":
            return f"record {self.first}: signed with a key that is not configured (forged, or an old key not kept)"
        if self.kind == "unkeyed":
            return f"record {self.first}: not signed with the audit key, after signed records (rewritten)"
        if self.kind == "cut":
            missing = f"record {self.first}" if self.first == self.last else f"records {self.first}–{self.last}"
            return (
                f"{missing} missing: the checkpoint of {self.checkpoint_at} saw the trail up "
                f"to record {self.last} (tail cut)"
            )
        if self.kind == "checkpoint":
            return f"record {self.first}: does not match the checkpoint of {self.checkpoint_at} (rewritten)"
        if self.kind == "signature":
            return (
                f"checkpoint of {self.checkpoint_at} ({self.first} records): its signature does not hold "
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
    chains: int = 0
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0
    #: Each chain walked: its last place and that record's hash.
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def intact(self) -> bool:
        return not self.problems and not self.more_problems

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more_problems += 1


def _chain(records: Iterator[AuditRecord], *, label: str, legacy: bool) -> Iterator[tuple[AuditRecord, list[Problem]]]:
    """Each record of one chain with the breaks found at it: gaps before it, its own hash, its link to the record
    before. Outside the legacy chain every record must be signed with an audit key."""
    expected = 1
    previous_hash = GENESIS_HASH
    keyed_seen = not legacy
    for record in records:
        place = record.place
        problems: list[Problem] = []
        after_gap = False
        if place > expected:
            problems.append(Problem("gap", expected, place - 1, chain=label))
            after_gap = True
        elif place < expected:  # place 0: cannot come from the service
            problems.append(Problem("inserted", place, chain=label))
        computed = record.computed_hash()
        if record.key_id:
            keyed_seen = True
        elif keyed_seen:  # once the trail is keyed, a record without a key was rewritten without it
            problems.append(Problem("unkeyed", place, chain=label))
        if computed is None:
            problems.append(Problem("unknown_key", place, chain=label))
        elif computed != record.hash:
            problems.append(Problem("altered", place, chain=label))
        elif not after_gap and place >= expected and record.previous_hash != previous_hash:
            problems.append(Problem("broken", place, chain=label))
        yield record, problems
        expected = max(expected, place + 1)
        previous_hash = record.hash


def chain_labels(chains: Iterable[str]) -> dict[str, str]:
    """How `plaint audit verify` names each chain: the organisation's slug, `system`; "" for the legacy chain."""
    organisations = [owner for chain in chains if (owner := organisation_of_chain(chain)) is not None]
    slugs = dict(Organisation.objects.filter(pk__in=organisations).values_list("pk", "slug"))
    labels = {}
    for chain in chains:
        owner = organisation_of_chain(chain)
        labels[chain] = "" if chain == LEGACY_CHAIN else slugs.get(owner, chain) if owner is not None else chain
    return labels


def audit_verify(
    *, organisation: Organisation | None = None, checkpoint: Checkpoint | None = None
) -> VerificationReport:
    """Walk every chain in order (streamed: constant memory) and report every break.

    With an organisation, walks that organisation's chain, and the legacy chain counting and reporting only the
    organisation's records there plus every gap (a missing record cannot be attributed). With a checkpoint (written
    outside the database, `plaint.access.audit_checkpoints`), each chain must still reach the record the checkpoint
    saw as its head, with its hash: a cut tail and a rewound head are found, and so is a chain rewritten from before
    it, and a whole chain removed with its head.
    """
    report = VerificationReport()
    heads = {head.chain: head for head in AuditChainHead.objects.all()}
    present = set(AuditRecord.objects.order_by().values_list("chain", flat=True).distinct())
    chains = present | set(heads) | (set(checkpoint.heads) if checkpoint is not None else set())
    if organisation is not None:
        chains &= {chain_of(organisation.pk), LEGACY_CHAIN}
    labels = chain_labels(chains)
    first_chained = AuditRecord.objects.exclude(chain=LEGACY_CHAIN).aggregate(first=Min("sequence"))["first"]
    for chain in sorted(chains, key=lambda name: (name != LEGACY_CHAIN, labels[name])):
        _verify_chain(report, chain, labels[chain], heads.get(chain), organisation, checkpoint, first_chained)
    if checkpoint is not None and not checkpoint.signature_valid():
        report.add(Problem("signature", checkpoint.records, checkpoint_at=checkpoint.at))
    return report


def _verify_chain(
    report: VerificationReport,
    chain: str,
    label: str,
    head: AuditChainHead | None,
    organisation: Organisation | None,
    checkpoint: Checkpoint | None,
    first_chained: int | None,
) -> None:
    legacy = chain == LEGACY_CHAIN
    order = "sequence" if legacy else "chain_sequence"
    rows = AuditRecord.objects.filter(chain=chain)
    # Without a head row (removed, or no record written yet) walk everything there is.
    head_place = head.last_sequence if head is not None else rows.aggregate(last=Max(order))["last"] or 0
    report.chains += 1
    last_seen = 0
    last_hash = GENESIS_HASH
    seen_at_checkpoint = checkpoint.heads.get(chain) if checkpoint is not None else None
    checkpoint_hash: str | None = None
    records = rows.filter(**{f"{order}__lte": head_place}).order_by(order).iterator(chunk_size=2000)
    for record, problems in _chain(records, label=label, legacy=legacy):
        if seen_at_checkpoint is not None and record.place == seen_at_checkpoint[0]:
            checkpoint_hash = record.hash
        mine = not legacy or organisation is None or record.organisation_id == organisation.pk
        report.records += 1 if mine else 0
        for problem in problems:
            if mine or problem.kind == "gap":
                report.add(problem)
        if legacy and first_chained is not None and record.sequence > first_chained and mine:
            report.add(Problem("inserted", record.place, chain=label))  # the legacy chain was closed by then
        last_seen, last_hash = record.place, record.hash
    if head is not None:
        if last_seen < head_place:
            report.add(Problem("gap", last_seen + 1, head_place, chain=label))
        elif last_hash != head.last_hash and head_place:
            report.add(Problem("head", head_place, chain=label))
    # Records past the head that were there before the head was read again were not written by `audit_record`,
    # which moves the head in the transaction that adds the record.
    beyond = list(
        rows.filter(**{f"{order}__gt": head_place}).order_by(order).values_list(order, "organisation_id")
    )  # read before the head is read again: a record committed by `audit_record` is then within the head
    reread = AuditChainHead.objects.filter(chain=chain).values_list("last_sequence", flat=True).first()
    current = max(head_place, reread or 0)
    for place, organisation_id in beyond:
        if place > current and (not legacy or organisation is None or organisation_id == organisation.pk):
            report.add(Problem("inserted", place, chain=label))
    if seen_at_checkpoint is not None and checkpoint is not None and checkpoint.signature_valid():
        place, expected_hash = seen_at_checkpoint
        if place and last_seen < place:
            report.add(Problem("cut", last_seen + 1, place, checkpoint_at=checkpoint.at, chain=label))
        elif place and checkpoint_hash != expected_hash:
            report.add(Problem("checkpoint", place, checkpoint_at=checkpoint.at, chain=label))
    report.heads[chain] = (last_seen, last_hash)
