"""Writing the audit trail: `audit_record` appends one record inside the caller's transaction.

Call it from a service in the same `transaction.atomic()` block as the change it records (see docs/audit.md), and
for a read in a block of its own before the data is shown: no record, no access.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.http import HttpRequest

from plaint.access.audit_actions import is_catalogued
from plaint.access.middleware import client_ip_address
from plaint.access.models import User
from plaint.access.models_audit import (
    GENESIS_HASH,
    AuditChainHead,
    AuditRecord,
    AuditTrailError,
    canonical_fields,
    chain_of,
    current_audit_key,
    record_hash,
)
from plaint.core import clock
from plaint.core.audit import AuditSource as AuditSource  # defined in core, so apps below access can pass one
from plaint.organisations.models import Organisation

#: Longest string accepted in `details`: ids, codes and field names fit; free text (descriptions, letters) does not.
MAX_DETAIL_TEXT = 200
MAX_DETAILS_JSON = 4000
USER_AGENT_LENGTH = 300
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}\Z")
#: The PostgreSQL sequence giving records their global order (migration access.0004); not gap-free.
SEQUENCE_NAME = "plaint_audit_sequence"


class AuditOutsideTransaction(AuditTrailError):
    """`audit_record` was called outside a transaction, so the record could outlive (or miss) the change."""


class AuditDetailsInvalid(AuditTrailError):
    """`details` holds something the audit trail must not keep (free text, floats, deep structures)."""


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    target_type: str,
    target_id: int | str | None,
    organisation: Organisation | None = None,
    reference: str = "",
    details: dict[str, Any] | None = None,
    source: AuditSource | None = None,
    case_id: int | None = None,
) -> AuditRecord:
    """Append one record to the audit trail, in the caller's transaction (`AuditOutsideTransaction` otherwise).

    `actor` is the user (None or an anonymous user for the system or the public); `details` holds ids, codes and
    field names only, never a complaint's content. `case_id` defaults to `target_id` when the target is a case.
    Appended to the organisation's chain (or the system chain), serialised by locking that chain's head: concurrent
    appenders to the same chain wait, so its places stay gap-free; other organisations' writers do not wait.
    """
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(
            "audit_record() must run inside the transaction of the change it records (transaction.atomic())."
        )
    if not action or len(action) > 100:
        raise AuditDetailsInvalid(f"An action is a short dotted name such as case.viewed, not {action!r}.")
    if not is_catalogued(action):
        raise AuditDetailsInvalid(
            f"Audit action {action!r} is not in the catalogue: add it to plaint.access.audit_actions.AUDIT_ACTIONS "
            "(and run `plaint audit actions` for docs/audit.md)."
        )
    clean_details = _checked_details(details or {})
    source = source or AuditSource()
    user = actor if isinstance(actor, User) else None
    if user is not None:
        description = str(user.get_username())
    elif source.ip_address or source.user_agent:
        description = "public"
    else:
        description = "system"
    if case_id is None and target_type == "case" and target_id is not None and str(target_id).isdigit():
        case_id = int(target_id)
    chain = chain_of(organisation.pk if organisation is not None else None)
    locked = _locked_head_with_sequence(chain)
    if locked is not None:
        head, sequence = locked
    else:
        head = _locked_head(chain)
        sequence = _next_sequence()
    record = AuditRecord(
        sequence=sequence,
        chain=chain,
        chain_sequence=head.last_sequence + 1,
        at=clock.now(),
        actor_id=user.pk if user is not None else None,
        actor_description=description[:150],
        organisation_id=organisation.pk if organisation is not None else None,
        action=action,
        target_type=target_type[:50],
        target_id="" if target_id is None else str(target_id)[:64],
        case_id=case_id,
        reference=reference[:64],
        details=clean_details,
        ip_address=_normalised_ip(source.ip_address),
        user_agent=source.user_agent[:USER_AGENT_LENGTH],
        request_id=source.request_id[:64],
        previous_hash=head.last_hash,
    )
    record.key_id, key = current_audit_key()
    record.hash = record_hash(canonical_fields(record), record.previous_hash, key=key)
    if connection.vendor == "postgresql":
        _insert_and_advance(record, head.pk)
    else:
        record.save()
        AuditChainHead.objects.filter(pk=head.pk).update(last_sequence=record.chain_sequence, last_hash=record.hash)
    return record


def _locked_head_with_sequence(chain: str) -> tuple[AuditChainHead, int] | None:
    """On PostgreSQL, the chain's head locked and the record's global number, in one statement; None when the
    chain has no head yet (or on SQLite): `_locked_head` and `_next_sequence` then."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_HEAD_SQL, [SEQUENCE_NAME, chain])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, last_sequence, last_hash, sequence = row
    return AuditChainHead(pk=pk, chain=chain, last_sequence=last_sequence, last_hash=last_hash), int(sequence)


def _insert_and_advance(record: AuditRecord, head_id: int) -> None:
    """The record's INSERT and the head's UPDATE in one statement (a data-modifying WITH), without the ORM's SQL
    compiler: the same columns and values `record.save()` writes."""
    fields = _record_fields()
    values = [field.get_db_prep_save(getattr(record, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(), [*values, record.chain_sequence, record.hash, head_id])
        (record.pk,) = cursor.fetchone()
    record._state.adding = False
    record._state.db = connection.alias


def _record_fields() -> list[Any]:
    return [field for field in AuditRecord._meta.concrete_fields if not field.primary_key]


_LOCK_HEAD_SQL = (
    f"SELECT id, last_sequence, last_hash, nextval(%s) FROM {AuditChainHead._meta.db_table} "  # noqa: S608
    "WHERE chain = %s FOR UPDATE"
)


@functools.cache
def _insert_sql() -> str:
    quote = connection.ops.quote_name
    fields = _record_fields()
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join("%s" for _field in fields)
    return (
        f"WITH record AS (INSERT INTO {quote(AuditRecord._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES ({placeholders}) RETURNING id) "
        f"UPDATE {quote(AuditChainHead._meta.db_table)} SET last_sequence = %s, last_hash = %s WHERE id = %s "
        "RETURNING (SELECT id FROM record)"
    )


def _next_sequence() -> int:
    """The record's global order: from a database sequence on PostgreSQL (no lock, not gap-free: a rolled-back
    write uses a number up); on SQLite, which lets one transaction write at a time, the next after the last."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [SEQUENCE_NAME])
            return int(cursor.fetchone()[0])
    return int(AuditRecord.objects.aggregate(last=Max("sequence"))["last"] or 0) + 1


def _locked_head(chain: str) -> AuditChainHead:
    """The chain's head, locked until the caller's transaction ends; created on the chain's first record (from its
    last record, should the row have gone missing)."""
    head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is not None:
        return head
    last = AuditRecord.objects.filter(chain=chain).order_by("-chain_sequence").only("chain_sequence", "hash").first()
    try:
        with transaction.atomic():
            return AuditChainHead.objects.create(
                chain=chain,
                last_sequence=(last.chain_sequence or 0) if last is not None else 0,
                last_hash=last.hash if last is not None else GENESIS_HASH,
            )
    except IntegrityError:  # another appender created it first; wait for its lock
        return AuditChainHead.objects.select_for_update().get(chain=chain)


def _checked_details(details: dict[str, Any]) -> dict[str, Any]:
    """The details, if they are small and made of ids, codes and names: JSON-stable, so the hash stays stable."""

    def check(value: Any, depth: int) -> None:
        if value is None or isinstance(value, bool | int):
            return
        if isinstance(value, str):
            if len(value) > MAX_DETAIL_TEXT:
                raise AuditDetailsInvalid(
                    f"Audit details hold ids, codes and field names, not text of {len(value)} characters."
                )
            return
        if depth >= 3:
            raise AuditDetailsInvalid("Audit details nest at most three levels.")
        if isinstance(value, list | tuple):
            for item in value:
                check(item, depth + 1)
            return
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise AuditDetailsInvalid("Audit details have string keys.")
                check(item, depth + 1)
            return
        raise AuditDetailsInvalid(
            f"Audit details hold strings, integers, booleans and None, not {type(value).__name__}."
        )

    check(details, 0)
    text = json.dumps(details, sort_keys=True)
    if len(text) > MAX_DETAILS_JSON:
        raise AuditDetailsInvalid(f"Audit details are {len(text)} characters; keep them under {MAX_DETAILS_JSON}.")
    result: dict[str, Any] = json.loads(text)  # tuples become lists, as the database will return them
    return result


def _normalised_ip(value: str | None) -> str | None:
    """The address in the form the database gives back (IPv4-mapped IPv6 unwrapped), or None when not an address."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.compressed


def audit_source_from_request(request: HttpRequest) -> AuditSource:
    """Where a request came from: the client address (through `PLAINT_PROXY_COUNT` trusted proxies), the user
    agent (truncated) and a request id (the proxy's X-Request-ID behind a trusted proxy, else one made up here and
    kept on the request, so every record of one request carries the same id)."""
    proxies = int(getattr(settings, "PLAINT_PROXY_COUNT", 0))
    address = client_ip_address(request)  # the same rule as the login lockout's
    request_id = getattr(request, "plaint_request_id", "")
    if not request_id:
        header = request.META.get("HTTP_X_REQUEST_ID", "").strip()
        request_id = header if proxies and _REQUEST_ID.match(header) else uuid.uuid4().hex
        request.plaint_request_id = request_id  # type: ignore[attr-defined]
    user_agent = str(request.META.get("HTTP_USER_AGENT", ""))
    user_agent = "".join(char for char in user_agent if char.isprintable())[:USER_AGENT_LENGTH]
    return AuditSource(ip_address=_normalised_ip(address), user_agent=user_agent, request_id=request_id)
