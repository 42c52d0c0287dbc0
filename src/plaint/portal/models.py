"""The portal's own rows: private links to follow a case, and the one-time keys that make a form send only once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrackingLink(models.Model):
    """A private link to a case, for its complainant (or their representative). Only the SHA-256 of the token is
    kept; the token itself is in the link we sent. Revoked links stop working at once."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="tracking_links", verbose_name=_("case")
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("private link")
        verbose_name_plural = _("private links")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.token_hash[:8]}"


class Submission(models.Model):
    """The one-time key of a form as it was shown: a second POST with the same key (a double click, a replay, the
    back button) finds the case the first one made instead of making another."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+", verbose_name=_("case"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return self.key


def _validate_colour(value: str) -> None:
    from django.core.exceptions import ValidationError

    from plaint.portal.branding import HEX, WHITE, contrast, text_on

    if not HEX.match(value):
        raise ValidationError(_("Give a colour as #rrggbb."), code="format")
    if contrast(value, text_on(value)) < 4.5:
        raise ValidationError(_("Text on this colour would be hard to read: choose a darker or lighter one."))
    if contrast(value, WHITE) < 3:
        raise ValidationError(_("This colour is too light to stand out on a white page: choose a darker one."))


def _validate_link_colour(value: str) -> None:
    from django.core.exceptions import ValidationError

    from plaint.portal.branding import HEX, WHITE, contrast

    if not HEX.match(value):
        raise ValidationError(_("Give a colour as #rrggbb."), code="format")
    if contrast(value, WHITE) < 4.5:
        raise ValidationError(_("Links in this colour would be hard to read on white: choose a darker one."))


class PortalBranding(models.Model):
    """An organisation's look on its public pages: its colours (contrast-checked)"""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="portal_branding",
        verbose_name=_("organisation"),
    )
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#2f4f5f",
        validators=[_validate_colour],
        help_text=_("The header's colour, as #rrggbb; its text turns white or black, whichever reads better."),
    )
    link_colour = models.CharField(
        _("link colour"), max_length=7, default="#1f5f8b", validators=[_validate_link_colour]
    )

    class Meta:
        verbose_name = _("portal branding")
        verbose_name_plural = _("portal branding")

    def __str__(self) -> str:
        return str(self.organisation)


class AccessCode(models.Model):
    """A one-time code to open a case by its reference, sent to an address on the case (docs/portal.md). Only a
    keyed hash of the code is kept; it works once, for a short time, and a few wrong tries end it."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="access_codes", verbose_name=_("case")
    )
    party = models.ForeignKey("cases.Party", on_delete=models.CASCADE, related_name="+", verbose_name=_("sent to"))
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [models.Index(fields=["case", "expires_at"], name="portal_code_case_expiry")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.code_hash[:8]}"
