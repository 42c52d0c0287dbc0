"""The outbox: every email Plaint sends is first a row here, written in the transaction of the change it reports.

A background job sends it (`tasks.py`, `services.email_send`); the row says what happened: queued, sending, sent,
failed, or unconfirmed when a worker stopped in the middle of a send (docs/correspondence.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailKind(models.TextChoices):
    COMPLIMENT_COPY = "compliment_copy", _("copy of a compliment to the service manager")
    PORTAL_CONFIRMATION = "portal_confirmation", _("confirmation of a case sent through the portal")
    PORTAL_LINK = "portal_link", _("a new private link to follow a case")
    PORTAL_CODE = "portal_code", _("a one-time code to follow a case")


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    UNCONFIRMED = "unconfirmed", _("unconfirmed: check whether it arrived")


class OutboundEmail(models.Model):
    """One email to one recipient. Never sent twice by Plaint on its own: see `services.email_send`."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="outbound_emails",
        verbose_name=_("organisation"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbound_emails",
        verbose_name=_("case"),
    )
    event = models.ForeignKey(
        "cases.CaseEvent",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbound_emails",
        verbose_name=_("case event"),
        help_text=_("The event of the case this email belongs to."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=EmailKind.choices)
    recipient = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbound_emails",
        verbose_name=_("recipient"),
    )
    recipient_name = models.CharField(_("recipient's name"), max_length=200, blank=True)
    recipient_email = models.EmailField(_("recipient's email address"))
    language = models.CharField(_("language"), max_length=8, choices=[("en", _("English")), ("nl", _("Dutch"))])
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    dedupe_key = models.CharField(
        _("deduplication key"),
        max_length=200,
        unique=True,
        help_text=_("What makes this email unique (the case event and the recipient): it is never queued twice."),
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=EmailStatus.choices, default=EmailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_at = models.DateTimeField(
        _("sending since"), null=True, blank=True, help_text=_("When a worker took it to send it (its lease).")
    )
    last_error = models.TextField(_("last error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("queued at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        permissions = [("resend_outboundemail", _("Can send an outbound email again"))]
        indexes = [
            # The sweep: queued emails due for an attempt, and sends whose lease ran out.
            models.Index(fields=["status", "next_attempt_at"], name="outbound_email_due"),
            models.Index(fields=["status", "claimed_at"], name="outbound_email_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient_email} ({self.get_status_display()})"
