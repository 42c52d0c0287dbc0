"""A data-subject request (GDPR art. 15 access, art. 17 erasure): who asked, how they were identified, what was done.

The request is the organisation's proof that it answered (accountability, art. 5(2)); it keeps the identification
given (email, name, person) and, per case, what was done or why it was refused.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    EXPORT = "export", _("access: export everything about the person")
    ERASE = "erase", _("erasure: anonymise the person's data")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    COMPLETED = "completed", _("completed")
    PARTLY_REFUSED = "partly_refused", _("partly refused")
    REFUSED = "refused", _("refused")


class DataSubjectRequest(models.Model):
    """One request of a person about their own data, and what was done with it."""

    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("The organisation the request was made to; empty: every organisation of this installation."),
    )
    email = models.EmailField(_("email address"), blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    identity_checked = models.CharField(
        _("identity checked by"), max_length=300, blank=True, help_text=_("How the requester's identity was verified.")
    )
    language = models.CharField(
        _("language"), max_length=8, choices=[("en", _("English")), ("nl", _("Dutch"))], default="en"
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why the request was made or performed."))
    decision = models.TextField(_("decision"), blank=True, help_text=_("What was done, and why anything was refused."))
    results = models.JSONField(_("results per case"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("performed by"),
    )
    received_at = models.DateTimeField(_("received at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email="") | ~models.Q(name="") | models.Q(person__isnull=False),
                name="data_subject_request_identified",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
