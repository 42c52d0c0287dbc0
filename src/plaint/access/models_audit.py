"""The audit trail: who did or saw what, when, from where (NEN 7513, OWASP ASVS V7). Append-only and hash-chained.

Each `AuditRecord` carries an HMAC-SHA-256, keyed with the audit key (`PLAINT_AUDIT_KEY`, never in the database), of
a canonical JSON of its own fields and of the previous record's hash, so a record changed, removed or slipped in
behind the application's back breaks the chain (`plaint audit verify`), and nobody without the key can recompute it.
Records written before the key existed (no `key_id`) carry a plain SHA-256.

There is one chain per organisation (`organisation-<id>`) and one for records without one (`system`: logins, the
system's jobs); the records written before the chains were split stay in the closed `legacy` chain. A record's
`chain_sequence` is its gap-free place in its chain, `sequence` a global order (unique, not gap-free). Each chain has
one `AuditChainHead` row holding its last place and hash: appenders to that chain lock it, so its places have no gaps
and no duplicates, while writes of different organisations do not wait for each other.
Write through `plaint.access.audit_services.audit_record`, never here directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from functools import lru_cache
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

#: The previous hash of the first record of a chain.
GENESIS_HASH = "0" * 64
#: The chain of the records written before there was a chain per organisation; closed, never appended to.
LEGACY_CHAIN = "legacy"
#: The chain of the records without an organisation (logins, the system's jobs).
SYSTEM_CHAIN = "system"
_ORGANISATION_CHAIN = "organisation-"


def chain_of(organisation_id: int | None) -> str:
    """The chain a new record of this organisation (or of none) is appended to."""
    return f"{_ORGANISATION_CHAIN}{organisation_id}" if organisation_id else SYSTEM_CHAIN


def organisation_of_chain(chain: str) -> int | None:
    """The organisation whose chain this is (None for the system and legacy chains)."""
    if chain.startswith(_ORGANISATION_CHAIN) and chain[len(_ORGANISATION_CHAIN) :].isdigit():
        return int(chain[len(_ORGANISATION_CHAIN) :])
    return None


class AuditTrailError(Exception):
    """Misuse of the audit trail by the application (a bug, never a user's mistake)."""


class AppendOnlyError(AuditTrailError):
    """An attempt to change or delete an audit record."""


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(f"The audit trail is append-only: {what} is not allowed.")


class AuditRecordQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        _refuse("update")

    def delete(self) -> NoReturn:
        _refuse("delete")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("bulk_update")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("update_or_create")

    def _raw_delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete")


class AuditRecord(models.Model):
    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    chain = models.CharField(
        _("chain"),
        max_length=40,
        default=LEGACY_CHAIN,
        editable=False,
        help_text=_("The organisation's chain, “system” without one, “legacy” for records from before the split."),
    )
    chain_sequence = models.PositiveBigIntegerField(
        _("place in the chain"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Gap-free within the chain; empty in the legacy chain, whose order is the sequence."),
    )
    at = models.DateTimeField(_("at"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,  # accounts with a history are deactivated, not deleted
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    actor_description = models.CharField(
        _("actor at the time"),
        max_length=150,
        blank=True,
        editable=False,
        help_text=_("The username then; “system” for background jobs, “public” for visitors without a login."),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    action = models.CharField(_("action"), max_length=100, editable=False)
    target_type = models.CharField(_("target type"), max_length=50, blank=True, editable=False)
    target_id = models.CharField(_("target id"), max_length=64, blank=True, editable=False)
    case_id = models.PositiveBigIntegerField(
        _("case"), null=True, blank=True, editable=False, help_text=_("The case the target belongs to, if any.")
    )
    reference = models.CharField(_("reference"), max_length=64, blank=True, editable=False)
    details = models.JSONField(_("details"), default=dict, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True, editable=False)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True, editable=False)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, editable=False)
    previous_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)
    key_id = models.CharField(
        _("key"),
        max_length=16,
        blank=True,
        editable=False,
        help_text=_("Which audit key signed the record; empty for records from before the trail was keyed."),
    )

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        base_manager_name = "objects"
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["case_id", "-sequence"], name="audit_case"),
            models.Index(fields=["organisation", "-sequence"], name="audit_organisation"),
            models.Index(fields=["actor", "-sequence"], name="audit_actor"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]
        constraints = [models.UniqueConstraint(fields=["chain", "chain_sequence"], name="audit_chain_place")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target_type} {self.target_id}".rstrip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields") is not None:
            _refuse("changing a record")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("deleting a record")

    @property
    def place(self) -> int:
        """The record's place in its chain (the global sequence in the legacy chain)."""
        return self.sequence if self.chain_sequence is None else self.chain_sequence

    def computed_hash(self) -> str | None:
        """The hash this record must carry, from its fields as stored and its previous hash (keyed with the audit key
        it names); None when that key is not among the configured ones."""
        if not self.key_id:
            return record_hash(canonical_fields(self), self.previous_hash)
        key = audit_keyring().get(self.key_id)
        if key is None:
            return None
        return record_hash(canonical_fields(self), self.previous_hash, key=key)


class AuditChainHead(models.Model):
    """The last record of a chain (one row per chain). Appenders to the chain lock it, so the chain stays linear."""

    chain = models.CharField(max_length=40, unique=True, default=LEGACY_CHAIN)
    last_sequence = models.PositiveBigIntegerField(default=0)  # the last record's place in the chain
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"audit chain {self.chain} head at {self.last_sequence}"


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical_fields(record: AuditRecord) -> dict[str, Any]:
    """Every field the hash covers (all but the hash itself), in JSON types; `key_id` only when there is one, and
    the chain and the place in it only outside the legacy chain, so older records keep their hashes."""
    fields = {
        "sequence": record.sequence,
        "at": _timestamp(record.at),
        "actor": record.actor_id,
        "actor_description": record.actor_description,
        "organisation": record.organisation_id,
        "action": record.action,
        "target_type": record.target_type,
        "target_id": record.target_id,
        "case": record.case_id,
        "reference": record.reference,
        "details": record.details,
        "ip_address": record.ip_address,
        "user_agent": record.user_agent,
        "request_id": record.request_id,
    }
    if record.key_id:
        fields["key_id"] = record.key_id
    if record.chain != LEGACY_CHAIN:
        fields["chain"] = record.chain
        fields["chain_sequence"] = record.chain_sequence
    return fields


def canonical_json(value: dict[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def record_hash(fields: dict[str, Any], previous_hash: str, *, key: bytes | None = None) -> str:
    """HMAC-SHA-256 with `key` (hex) over the canonical JSON of the fields plus the previous hash; without a key a
    plain SHA-256 (the records from before the trail was keyed)."""
    payload = canonical_json({**fields, "previous_hash": previous_hash})
    if key is None:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def key_id_of(secret: str) -> str:
    """A short public name of an audit key (not the key: a hash of it), stored with each record it signs."""
    return hashlib.sha256(b"plaint-audit-key-id\x00" + secret.encode()).hexdigest()[:16]


@lru_cache(maxsize=8)
def _keyring(secrets: tuple[str, ...]) -> dict[str, bytes]:
    return {key_id_of(secret): secret.encode() for secret in secrets}


def audit_keyring() -> dict[str, bytes]:
    """Every configured audit key by its id: the current one and those kept after a rotation."""
    return _keyring(tuple(settings.PLAINT_AUDIT_KEYS))


def current_audit_key() -> tuple[str, bytes]:
    """The id and the key new records and checkpoints are signed with (the first of `PLAINT_AUDIT_KEYS`)."""
    secret = settings.PLAINT_AUDIT_KEYS[0]
    return key_id_of(secret), secret.encode()
