"""Every message that reaches Plaint by mail, kept once per Message-ID with what became of it (docs/mail.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    CASE_CREATED = "case_created", _("became a new case")
    THREADED = "threaded", _("added to a case's history")
    AUTO_REPLY = "auto_reply", _("automatic reply, ignored")
    BOUNCE = "bounce", _("bounce of an email we sent")
    LOOP = "loop", _("mail loop, ignored")
    QUARANTINED = "quarantined", _("kept aside in quarantine")
    DISCARDED = "discarded", _("discarded from quarantine by a person")


class Reason(models.TextChoices):
    TOO_LARGE = "too_large", _("the message is too large")
    MALFORMED = "malformed", _("the MIME structure is malformed")
    UNKNOWN_CHARSET = "unknown_charset", _("the text is in an unknown character set")
    NO_SENDER = "no_sender", _("the message has no sender")
    TOO_MANY_ATTACHMENTS = "too_many_attachments", _("the message has too many attachments")
    ATTACHMENT_REFUSED = "attachment_refused", _("an attachment is refused by the upload rules")
    NO_ORGANISATION = "no_organisation", _("no organisation has this address")
    FORGED_THREAD = "forged_thread", _("the reply points at another organisation's case")
    REFUSED = "refused", _("the case could not be registered")
    ERROR = "error", _("an unexpected error")


class InboundMessage(models.Model):
    """One received message. `message_id` is unique: a message delivered twice is stored once."""

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("organisation"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("case"),
    )
    channel = models.CharField(_("received by"), max_length=16)
    sender = models.CharField(_("sender"), max_length=320, blank=True)
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    raw = models.BinaryField(_("raw message"), help_text=_("As received; only the headers when it was too large."))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=32, choices=Reason.choices, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        indexes = [models.Index(fields=["outcome", "received_at"], name="inbound_outcome")]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.get_outcome_display()})"


class MailboxState(models.Model):
    """Where `plaint mail poll` stopped in one IMAP mailbox: its UIDVALIDITY and the last UID taken."""

    mailbox = models.CharField(_("mailbox"), max_length=300, unique=True)
    uid_validity = models.BigIntegerField(_("UIDVALIDITY"))
    last_uid = models.BigIntegerField(_("last UID"), default=0)

    class Meta:
        verbose_name = _("mailbox state")
        verbose_name_plural = _("mailbox states")

    def __str__(self) -> str:
        return f"{self.mailbox} (up to {self.last_uid})"
