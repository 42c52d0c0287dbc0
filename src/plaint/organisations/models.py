"""Organisations, their units, the people who work in them, and the roles those people hold.

Model `clean()` methods keep each row consistent on its own and with its direct neighbours (a unit's parent is in
the same organisation, a line manager is a colleague); they are called by the admin's forms and by every service
(`full_clean()`), so the rule is written once. Decisions that span more than that live in `services.py`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Jurisdiction(models.TextChoices):
    """Where an organisation's working days and public holidays come from (ISO 3166 codes)."""

    NL = "NL", _("the Netherlands")
    GB_ENG = "GB-ENG", _("England")
    GB_WLS = "GB-WLS", _("Wales")
    GB_SCT = "GB-SCT", _("Scotland")
    GB_NIR = "GB-NIR", _("Northern Ireland")


class Language(models.TextChoices):
    EN = "en", _("English")
    NL = "nl", _("Dutch")


def validate_time_zone(value: str) -> None:
    """An IANA time zone name that this Python knows, such as Europe/Amsterdam."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone name, such as Europe/Amsterdam."),
            code="invalid_time_zone",
            params={"value": value},
        )


def validate_languages(value: Any) -> None:
    """A non-empty list of language codes Plaint speaks, without repeats."""
    known = set(Language.values)
    if not isinstance(value, list) or not value or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Choose at least one language."), code="invalid_languages")
    if unknown := [code for code in value if code not in known]:
        raise ValidationError(
            _("Unknown language: %(codes)s."), code="unknown_language", params={"codes": ", ".join(unknown)}
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A language is listed twice."), code="duplicate_language")


def default_languages() -> list[str]:
    return [Language.EN.value]


validate_reference_prefix = RegexValidator(
    r"^[A-Z]{2,5}\Z",
    _("Use two to five capital letters, such as XS."),
    code="invalid_reference_prefix",
)


class ExternalBody(models.Model):
    """An ombudsman, complaints committee or arbitration body outside the organisation (XS-12, WP-15, WH-09)."""

    class Kind(models.TextChoices):
        OMBUDSMAN = "ombudsman", _("ombudsman")
        COMPLAINTS_COMMITTEE = "complaints_committee", _("complaints committee")
        ARBITRATION = "arbitration", _("arbitration")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    address = models.TextField(_("address"), blank=True, help_text=_("Postal address, one line per line."))
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("external body")
        verbose_name_plural = _("external bodies")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """An organisation that receives complaints, compliments and suggestions.

    A complaints-officer firm (Werk in vertrouwen) provides the complaints service to client organisations; a client
    names the firm in `served_by`. The client's own procedure applies when it has one, otherwise the firm's (WV-02).
    """

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=64, unique=True, help_text=_("Short name used in web addresses."))
    jurisdiction = models.CharField(
        _("jurisdiction"),
        max_length=8,
        choices=Jurisdiction.choices,
        help_text=_("Decides the working days and public holidays used to count terms."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA name, such as Europe/Amsterdam or Europe/London."),
    )
    default_language = models.CharField(
        _("default language"), max_length=8, choices=Language.choices, default=Language.EN
    )
    supported_languages = models.JSONField(
        _("supported languages"),
        default=default_languages,
        validators=[validate_languages],
        help_text=_("The languages of the public pages and letters; must include the default language."),
    )
    address = models.TextField(_("address"), blank=True, help_text=_("Postal address, one line per line."))
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    complaints_email = models.EmailField(
        _("complaints email address"),
        blank=True,
        help_text=_("Mail to this address becomes a new case (docs/mail.md)."),
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        _("remind before a term ends (working days)"),
        default=2,
        help_text=_("The person responsible is reminded this many working days before a term ends."),
    )
    reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=5,
        unique=True,
        validators=[validate_reference_prefix],
        help_text=_("Starts every case reference of this organisation, as in XS-2027-0042."),
    )
    external_bodies = models.ManyToManyField(
        ExternalBody,
        verbose_name=_("external bodies"),
        blank=True,
        related_name="organisations",
        help_text=_("Where a complainant can go when the internal procedure is finished."),
    )
    provides_complaints_service = models.BooleanField(
        _("provides the complaints service to other organisations"),
        default=False,
        help_text=_("A complaints-officer firm whose complaints officer and committee serve client organisations."),
    )
    served_by = models.ForeignKey(
        "self",
        verbose_name=_("served by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clients",
        limit_choices_to={"provides_complaints_service": True},
        help_text=_(
            "The firm that provides this organisation's complaints service. Its procedure applies when this "
            "organisation has none of its own."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(condition=~Q(served_by=models.F("pk")), name="organisation_not_served_by_itself"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if isinstance(self.supported_languages, list) and self.default_language not in self.supported_languages:
            errors.setdefault("supported_languages", []).append(
                ValidationError(_("The supported languages must include the default language."), code="no_default")
            )
        if self.served_by_id is not None:
            served_by = self.served_by
            if self.pk is not None and self.served_by_id == self.pk:
                errors.setdefault("served_by", []).append(
                    ValidationError(_("An organisation cannot serve itself."), code="served_by_self")
                )
            elif served_by is not None and not served_by.provides_complaints_service:
                errors.setdefault("served_by", []).append(
                    ValidationError(
                        _("%(firm)s does not provide the complaints service to other organisations."),
                        code="not_a_provider",
                        params={"firm": served_by.name},
                    )
                )
            elif served_by is not None and served_by.served_by_id is not None:
                errors.setdefault("served_by", []).append(
                    ValidationError(
                        _("%(firm)s is itself served by another organisation; choose that one."),
                        code="served_by_chain",
                        params={"firm": served_by.name},
                    )
                )
        if self.pk is not None and self.served_by_id is not None and self.clients.exists():
            errors.setdefault("served_by", []).append(
                ValidationError(
                    _("An organisation that serves clients cannot itself be served by another."),
                    code="provider_served",
                )
            )
        if errors:
            raise ValidationError(errors)


class OrganisationalUnit(models.Model):
    """A department, location, project or team, in a tree under its organisation (WP-02)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("department")
        LOCATION = "location", _("location")
        PROJECT = "project", _("project")
        TEAM = "team", _("team")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The unit this one belongs to; empty for a unit directly under the organisation."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    manager = models.ForeignKey(
        "Person",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_units",
        help_text=_("Receives complaints about this unit (WerkPro: the manager of the department, location, ...)."),
    )

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "parent", "name"], name="unit_name_unique_in_parent"),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="unit_not_its_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.parent_id is not None and self.organisation_id is not None:
            parent = self.parent
            assert parent is not None
            if parent.organisation_id != self.organisation_id:
                errors["parent"] = ValidationError(
                    _("The unit this one belongs to must be in the same organisation."), code="parent_elsewhere"
                )
            elif self.pk is not None:
                seen: set[int] = set()
                ancestor: OrganisationalUnit | None = parent
                while ancestor is not None and ancestor.pk not in seen:
                    if ancestor.pk == self.pk:
                        errors["parent"] = ValidationError(
                            _("A unit cannot be part of itself or of one of its own parts."), code="unit_cycle"
                        )
                        break
                    seen.add(ancestor.pk)
                    ancestor = ancestor.parent
        if (
            self.manager_id is not None
            and self.organisation_id is not None
            and not Membership.objects.filter(person_id=self.manager_id, organisation_id=self.organisation_id).exists()
        ):
            errors["manager"] = ValidationError(
                _("The manager must be a member of the organisation."), code="manager_not_member"
            )
        if errors:
            raise ValidationError(errors)


class Person(models.Model):
    """Someone who works for, or on behalf of, one or more organisations; may have a login."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.EN)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """What a member may be asked to do in an organisation. The rows are fixed; see `Role.Code`."""

    class Code(models.TextChoices):
        INTAKE_STAFF = "intake_staff", _("intake staff")
        HANDLER = "handler", _("handler")
        MANAGER = "manager", _("manager")
        SENIOR_MANAGER = "senior_manager", _("senior manager")
        BOARD_MEMBER = "board_member", _("board member")
        COMPLAINTS_OFFICER = "complaints_officer", _("complaints officer")
        COMMITTEE_MEMBER = "committee_member", _("complaints committee member")
        ANALYST = "analyst", _("analyst")
        ADMINISTRATOR = "administrator", _("administrator")

    code = models.CharField(_("code"), max_length=32, choices=Code.choices, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return str(self.get_code_display())


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active_on(self, day: dt.date) -> MembershipQuerySet:
        """Memberships that have begun by `day` and not ended (`ended_on` is the first day no longer a member)."""
        return self.filter(Q(started_on__isnull=True) | Q(started_on__lte=day)).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day)
        )


class Membership(models.Model):
    """A person's place in one organisation: unit, job title, line manager and roles."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        OrganisationalUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    line_manager = models.ForeignKey(
        Person,
        verbose_name=_("line manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Must be a member of the same organisation. Complaints about this person go to them (WU-07)."),
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="memberships")
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, help_text=_("The first day this person is no longer a member.")
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "person__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["person", "organisation"], name="membership_unique_person_organisation"),
            models.CheckConstraint(
                condition=~Q(line_manager=models.F("person")), name="membership_not_own_line_manager"
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gt=models.F("started_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organisation}"

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.unit_id is not None and self.organisation_id is not None:
            unit = self.unit
            assert unit is not None
            if unit.organisation_id != self.organisation_id:
                errors["unit"] = ValidationError(_("The unit must be in the same organisation."), code="unit_elsewhere")
        if self.line_manager_id is not None and self.organisation_id is not None:
            if self.line_manager_id == self.person_id:
                errors["line_manager"] = ValidationError(
                    _("A person cannot be their own line manager."), code="own_line_manager"
                )
            elif not Membership.objects.filter(
                person_id=self.line_manager_id, organisation_id=self.organisation_id
            ).exists():
                errors["line_manager"] = ValidationError(
                    _("The line manager must be a member of the same organisation."), code="line_manager_elsewhere"
                )
            elif self.person_id is not None and self._line_manager_cycle():
                errors["line_manager"] = ValidationError(
                    _("This would make the person their own (indirect) line manager."), code="line_manager_cycle"
                )
        if self.started_on and self.ended_on and self.ended_on <= self.started_on:
            errors["ended_on"] = ValidationError(_("The end must come after the start."), code="ends_before_start")
        if errors:
            raise ValidationError(errors)

    def _line_manager_cycle(self) -> bool:
        managers: dict[int, int | None] = dict(
            Membership.objects.filter(organisation_id=self.organisation_id).values_list("person_id", "line_manager_id")
        )
        managers[self.person_id] = self.line_manager_id
        seen: set[int] = set()
        current: int | None = self.line_manager_id
        while current is not None:
            if current == self.person_id:
                return True
            if current in seen:
                return False
            seen.add(current)
            current = managers.get(current)
        return False
