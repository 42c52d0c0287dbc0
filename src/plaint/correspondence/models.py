"""The outbox: every email Plaint sends is first a row here, written in the transaction of the change it reports.

A background job sends it (`tasks.py`, `services.email_send`); the row says what happened: queued, sending, sent,
failed, or unconfirmed when a worker stopped in the middle of a send (docs/correspondence.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EmailKind(models.TextChoices):
    COMPLIMENT_COPY = "compliment_copy", _("copy of a compliment to the service manager")
    PORTAL_CONFIRMATION = "portal_confirmation", _("confirmation of a case sent through the portal")
    PORTAL_LINK = "portal_link", _("a new private link to follow a case")
    LETTER = "letter", _("a letter of the procedure")
    REMINDER_DIGEST = "reminder_digest", _("the day's reminders and escalations for one person")
    PORTAL_CODE = "portal_code", _("a one-time code to follow a case")
    NOTIFICATION = "notification", _("a notification to staff about a case (given to them, nobody eligible)")


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
    attachment_name = models.CharField(_("attachment's file name"), max_length=200, blank=True)
    attachment = models.BinaryField(_("attachment (PDF)"), null=True, blank=True, editable=False)
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


class LetterDelivery(models.TextChoices):
    EMAIL = "email", _("by email")
    POST = "post", _("by post")


class LetterApproval(models.TextChoices):
    NOT_NEEDED = "", _("not needed")
    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned with a comment")


class Letter(models.Model):
    """One letter of a procedure to one recipient, as it was rendered: stored on the case (text, HTML and the PDF),
    sent by email (`email`) or waiting on the "to be posted" list until a person records it posted or handed over
    (`delivered_on`, `delivered_by`). docs/letters.md."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="letters", verbose_name=_("case"))
    event = models.ForeignKey(
        "cases.CaseEvent", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("event")
    )
    effect = models.ForeignKey(
        "cases.Effect", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("effect")
    )
    key = models.CharField(_("letter"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    template = models.CharField(_("template"), max_length=200)
    recipient_role = models.CharField(_("recipient's role"), max_length=32)
    recipient_name = models.CharField(_("recipient's name"), max_length=200)
    recipient_email = models.EmailField(_("recipient's email address"), blank=True)
    recipient_address = models.TextField(_("recipient's address"), blank=True)
    recipient = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    to_complainant = models.BooleanField(_("to the complainant"), default=False)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    pdf = models.BinaryField(_("PDF"), editable=False)
    delivery = models.CharField(_("delivery"), max_length=8, choices=LetterDelivery.choices)
    email = models.ForeignKey(
        OutboundEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="letters", verbose_name=_("email")
    )
    delivered_on = models.DateField(_("sent on"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted or handed over by"),
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted by"),
        help_text=_("The person whose action (or whose words) made this letter; they may not approve it."),
    )
    approval = models.CharField(
        _("approval"), max_length=16, choices=LetterApproval.choices, default=LetterApproval.NOT_NEEDED, blank=True
    )
    approval_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved or returned by"),
    )
    approval_at = models.DateTimeField(_("approved or returned at"), null=True, blank=True)
    approval_comment = models.TextField(_("approver's comment"), blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["case", "created_at", "pk"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        indexes = [models.Index(fields=["delivery", "delivered_on"], name="letter_to_post")]

    def __str__(self) -> str:
        return f"{self.title} to {self.recipient_name}"


class LetterTemplate(models.Model):
    """An organisation's own text of one of its procedure's letters in one language, in place of the bundled one.
    Saved only through `letter_template_save`, which checks that it parses, renders on the sample case and shows what
    the letter must contain (docs/letters.md)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    procedure_id = models.CharField(_("procedure"), max_length=64)
    letter_key = models.CharField(_("letter"), max_length=64)
    language = models.CharField(_("language"), max_length=8, choices=[("en", _("English")), ("nl", _("Dutch"))])
    source = models.TextField(_("template"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "procedure_id", "letter_key", "language"], name="letter_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id}/{self.letter_key}.{self.language}"


class LetterApprovalRule(models.Model):
    """The organisation requires a second person's approval before this letter of this procedure goes out
    (docs/letters.md, "Approval"). One row per letter that needs it."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    procedure_id = models.CharField(_("procedure"), max_length=64)
    letter_key = models.CharField(_("letter"), max_length=64)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("letter approval rule")
        verbose_name_plural = _("letter approval rules")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "procedure_id", "letter_key"], name="letter_approval_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id}/{self.letter_key}"


class ReminderKind(models.TextChoices):
    TERM_DUE = "term_due", _("a term ends soon")
    TERM_MISSED = "term_missed", _("a term was missed")
    FOLLOW_UP = "follow_up", _("an agreement or measure to follow up")
    EXPLANATION_LETTER = "explanation_letter", _("a missed term calls for a letter explaining the delay")
    REPORT_DUE = "report_due", _("a report is due soon")
    REPORT_MISSED = "report_missed", _("a report was not made in time")


class Reminder(models.Model):
    """One thing a person was reminded of, in which day's digest. Unique per thing and kind: never reminded twice."""

    kind = models.CharField(_("kind"), max_length=24, choices=ReminderKind.choices)
    term = models.ForeignKey("cases.Term", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    follow_up = models.ForeignKey("cases.FollowUp", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    #: What else it was about, when it is neither a term nor a follow-up: a report duty's period
    #: (`report:<organisation>:<duty>:<period>[:<party>]`), reminded once per person.
    about = models.CharField(_("about"), max_length=255, blank=True, default="")
    person = models.ForeignKey("organisations.Person", on_delete=models.CASCADE, related_name="+")
    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["kind", "term"], name="reminder_once_per_term"),
            models.UniqueConstraint(fields=["kind", "follow_up"], name="reminder_once_per_follow_up"),
            models.UniqueConstraint(
                fields=["kind", "about", "person"], condition=~Q(about=""), name="reminder_once_per_thing_and_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.day}"
