"""The Django side of procedures: which procedure, in which version, an organisation uses from when, and the
versions of procedure files organisations uploaded (`ProcedureVersion`).

A new version applies to new cases (WP-23): an adoption is in force from `active_from` (inclusive) until
`active_until` (exclusive, open-ended when empty); a case keeps the adoption that was in force at its receipt.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

import plaint.procedures


def bundled_procedure_ids() -> list[str]:
    """The ids of the procedure files bundled with Plaint, sorted: the file stems, where an earlier version kept for
    the cases that started under it is `<id>.v<version>.yaml` beside the current `<id>.yaml` (docs/procedures.md)."""
    return sorted({_OLD_VERSION.sub("", path.stem) for path in plaint.procedures.BUNDLED_DIR.glob("*.yaml")})


#: The suffix of a bundled file that keeps an earlier version: `werkpro.v1.yaml`.
_OLD_VERSION = re.compile(r"\.v[0-9]+$")


def validate_bundled_procedure_id(value: str) -> None:
    if value not in bundled_procedure_ids():
        raise ValidationError(
            _("“%(value)s” is not a bundled procedure. Known: %(known)s."),
            code="unknown_procedure",
            params={"value": value, "known": ", ".join(bundled_procedure_ids()) or "-"},
        )


class AdoptionQuerySet(models.QuerySet["ProcedureAdoption"]):
    def in_force_on(self, day: dt.date) -> AdoptionQuerySet:
        return self.filter(active_from__lte=day).filter(Q(active_until__isnull=True) | Q(active_until__gt=day))


class ProcedureAdoption(models.Model):
    """An organisation's decision to handle its cases by a bundled procedure, in one version, from a date."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="procedure_adoptions",
    )
    procedure_id = models.CharField(
        _("procedure"),
        max_length=64,
        help_text=_("The id of a bundled procedure file, such as xs2more, or of a version the organisation uploaded."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, validators=[MinValueValidator(1)])
    active_from = models.DateField(_("in force from"))
    active_until = models.DateField(
        _("in force until"),
        null=True,
        blank=True,
        help_text=_("The first day it no longer applies to new cases; empty while it is in force indefinitely."),
    )

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "-active_from"]
        verbose_name = _("procedure adoption")
        verbose_name_plural = _("procedure adoptions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "procedure_id", "version"], name="adoption_unique_procedure_version"
            ),
            models.UniqueConstraint(fields=["organisation", "active_from"], name="adoption_unique_start"),
            models.CheckConstraint(
                condition=Q(active_until__isnull=True) | Q(active_until__gt=models.F("active_from")),
                name="adoption_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} v{self.version}"

    def clean(self) -> None:
        self._clean_procedure()
        if self.active_until is not None and self.active_from is not None and self.active_until <= self.active_from:
            raise ValidationError({"active_until": _("The end must come after the start.")}, code="ends_before_start")
        if self.organisation_id is None or self.active_from is None:
            return
        others = ProcedureAdoption.objects.filter(organisation_id=self.organisation_id).exclude(pk=self.pk)
        overlapping = others.filter(Q(active_until__isnull=True) | Q(active_until__gt=self.active_from))
        if self.active_until is not None:
            overlapping = overlapping.filter(active_from__lt=self.active_until)
        if overlapping.exists():
            raise ValidationError(
                {"active_from": _("Another adoption of this organisation is in force in this period.")},
                code="overlapping_adoption",
            )

    def _clean_procedure(self) -> None:
        """A bundled procedure, or a version that this organisation uploaded (nobody else's)."""
        if not self.procedure_id:
            return
        stored = ProcedureVersion.objects.filter(procedure_id=self.procedure_id, version=self.version).first()
        if stored is not None:
            if stored.organisation_id != self.organisation_id:
                raise ValidationError(
                    {"procedure_id": _("This version was uploaded by another organisation.")},
                    code="not_own_version",
                )
            return
        try:
            validate_bundled_procedure_id(self.procedure_id)
        except ValidationError as error:
            raise ValidationError({"procedure_id": error.messages}, code="unknown_procedure") from None


class ProcedureVersion(models.Model):
    """A procedure file an organisation's administrator uploaded, checked and kept so it can be activated.

    Kept as it was uploaded and never changed (a case keeps running under the version it started with); the id and
    version are unique over bundled and uploaded files together, so `procedure_definition` finds one file for each.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="procedure_versions",
    )
    procedure_id = models.CharField(_("procedure"), max_length=64)
    version = models.PositiveIntegerField(_("version"), validators=[MinValueValidator(1)])
    file_name = models.CharField(_("file name"), max_length=255)
    source = models.TextField(_("procedure file"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["organisation__name", "procedure_id", "-version"]
        verbose_name = _("uploaded procedure version")
        verbose_name_plural = _("uploaded procedure versions")
        constraints = [
            models.UniqueConstraint(fields=["procedure_id", "version"], name="procedure_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} v{self.version}"
