"""A case: one complaint, compliment or suggestion, its parties, its append-only history and its terms.

The history (`CaseEvent`) is the truth; `Case.stage`, `status`, `outcome` and `next_due` and the `Term` rows are
snapshots written in the same transaction as each event, so that inbox and overdue lists are indexed queries.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plaint.engine import vocabulary


def _choices(words: tuple[str, ...], labels: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(word, labels.get(word, word.replace("_", " "))) for word in words]


KIND_LABELS = {"complaint": _("complaint"), "compliment": _("compliment"), "suggestion": _("suggestion")}
CHANNEL_LABELS = {
    "in_writing": _("in writing"),
    "oral": _("oral (statement taken by staff)"),
    "in_person": _("in person"),
    "phone": _("phone"),
    "email": _("email"),
    "web_form": _("web form"),
    "complaint_form": _("complaint form"),
    "letter": _("letter"),
}


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")
    COMPLIMENT = "compliment", _("compliment")
    SUGGESTION = "suggestion", _("suggestion")


class Status(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Confidentiality(models.TextChoices):
    NORMAL = "normal", _("normal")
    CONFIDENTIAL = "confidential", _("confidential: only the people assigned")


class Nature(models.TextChoices):
    """What a complaint is about, for routing (WA-04: clinical elements and/or operational issues)."""

    UNSPECIFIED = "", _("not specified")
    CLINICAL = "clinical", _("clinical")
    OPERATIONAL = "operational", _("operational")
    BOTH = "clinical_and_operational", _("clinical and operational")


class Classification(models.Model):
    """A word of an organisation's own list for analysis, in English and Dutch (categories, causes)."""

    code = models.SlugField(_("code"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["organisation", "code"]

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return self.name_nl if language.startswith("nl") else self.name_en


class Category(Classification):
    """What a complaint is about, in the organisation's own categories, for analysis (XS-22, WV-01)."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name=_("organisation"),
    )

    class Meta(Classification.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="category_code_unique")]


class Cause(Classification):
    """Why it went wrong, as found in the handling (a misunderstanding, an error, a missed term, …): the causes the
    periodic analyses count (XS-22, XS-20). Set when the case is decided or later, never by the complainant."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="causes",
        verbose_name=_("organisation"),
    )

    class Meta(Classification.Meta):
        verbose_name = _("cause")
        verbose_name_plural = _("causes")
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="cause_code_unique")]


class NoEligibleHandler(models.TextChoices):
    """Why nobody may handle a case's current stage (WP-04, WU-07, XS-14, WH-07)."""

    CONFLICTED = "conflicted", _("everyone who holds the routed role is in conflict with the case")
    NOBODY = "nobody", _("nobody holds the routed role")
    HANDLER_LEFT = "handler_left", _("the handler left: a new one must be named")


class Case(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="cases", verbose_name=_("organisation")
    )
    reference = models.CharField(_("reference"), max_length=32)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPLAINT)
    procedure_id = models.CharField(_("procedure"), max_length=64)
    procedure_version = models.PositiveIntegerField(_("procedure version"))
    channel = models.CharField(_("channel"), max_length=32, choices=_choices(vocabulary.CHANNELS, CHANNEL_LABELS))
    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("date of receipt"), help_text=_("In the organisation's time zone."))
    language = models.CharField(
        _("language"), max_length=8, choices=[("en", _("English")), ("nl", _("Dutch"))], default="en"
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"))
    incident_date = models.DateField(_("date of the event complained about"), null=True, blank=True)
    nature = models.CharField(_("nature"), max_length=32, choices=Nature.choices, blank=True, default="")
    categories = models.ManyToManyField(Category, blank=True, related_name="cases", verbose_name=_("categories"))
    causes = models.ManyToManyField(Cause, blank=True, related_name="cases", verbose_name=_("causes"))
    confidentiality = models.CharField(
        _("confidentiality"), max_length=16, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    handler = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_handled",
        verbose_name=_("handler"),
    )
    delegate = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_delegated",
        verbose_name=_("delegate"),
        help_text=_("The employee management delegated the actual handling to; management stays responsible (XS-19)."),
    )
    commissioning_party = models.CharField(
        _("commissioning party"),
        max_length=200,
        blank=True,
        help_text=_(
            "The organisation that commissioned the complainant's trajectory (a municipality, UWV), where the "
            "procedure has one; it receives the quarterly anonymised registration (WP-22)."
        ),
    )
    # Routing (docs/access.md, "No eligible handler"): set when nobody may handle the case's current stage (everyone
    # holding the routed role is in conflict, or nobody holds it), cleared when someone may again.
    no_eligible_handler = models.CharField(
        _("no eligible handler"),
        max_length=16,
        blank=True,
        choices=NoEligibleHandler.choices,
        help_text=_("Why nobody may handle the case's current stage; empty when someone may."),
    )
    # Snapshots of the engine's view, written with every event.
    stage = models.CharField(_("stage"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=32, blank=True)
    next_due = models.DateField(_("next due date"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Data protection (docs/privacy.md): a legal hold stops retention and erasure; the dates record what was removed.
    legal_hold = models.BooleanField(
        _("legal hold"), default=False, help_text=_("Kept as it is: not anonymised or erased while the hold lasts.")
    )
    legal_hold_reason = models.TextField(_("reason for the legal hold"), blank=True)
    anonymised_on = models.DateField(_("anonymised on"), null=True, blank=True)
    documents_deleted_on = models.DateField(_("documents deleted on"), null=True, blank=True)
    # Optimistic locking: every accepted action increments it; a client acting on an older version gets 409.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)  # noqa: DJ001 - NULL means none given
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="case_reference_unique"),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="case_idempotency_key_unique",
            ),
        ]
        indexes = [
            # The inbox and the overdue list: open cases of an organisation, soonest due first.
            models.Index(fields=["organisation", "status", "next_due"], name="case_inbox"),
            models.Index(fields=["handler", "status", "next_due"], name="case_handler_inbox"),
            # The overdue list across organisations (a superuser, a firm serving clients): open cases in due order.
            models.Index(fields=["next_due", "id"], condition=models.Q(status="open"), name="case_open_due"),
            # Every case list's first page (open and closed cases, soonest due first, those without a due date
            # last): walked in order and filtered by `cases_visible_to`, stopping after a page (bench/README.md).
            models.Index(fields=["next_due", "id"], name="case_due"),
            models.Index(fields=["organisation", "stage", "status"], name="case_stage"),
            models.Index(fields=["organisation", "received_on"], name="case_received"),
            # Retention: closed cases of a procedure version by closing date (the privacy sweep's one query).
            models.Index(
                fields=["procedure_id", "procedure_version", "closed_on"],
                condition=models.Q(status="closed"),
                name="case_closed_retention",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class PartyRole(models.TextChoices):
    COMPLAINANT = "complainant", _("complainant")
    REPRESENTATIVE = "representative", _("representative")
    SURVIVING_RELATIVE = "surviving_relative", _("surviving relative")
    SUBJECT = "subject", _("subject")
    COMMITTEE_MEMBER = "committee_member", _("committee member")
    EXPERT = "expert", _("expert")


class Party(models.Model):
    """Someone (or a unit) with a part in a case: the complainant, a representative, a subject, an expert, …"""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties", verbose_name=_("case"))
    role = models.CharField(_("role"), max_length=32, choices=PartyRole.choices)
    person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_parties",
        verbose_name=_("person"),
    )
    unit = models.ForeignKey(
        "organisations.OrganisationalUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_parties",
        verbose_name=_("unit"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    group = models.CharField(
        _("group"), max_length=64, blank=True, help_text=_("Who the complainant is, in the procedure's terms (XS-21).")
    )
    internal = models.BooleanField(_("internal"), default=False)
    involved = models.BooleanField(
        _("involved in the event"), default=False, help_text=_("Involved people never handle the case (XS-14).")
    )
    authorisation = models.TextField(_("authorisation"), blank=True)
    consent_given_on = models.DateField(_("written consent given on"), null=True, blank=True)
    consent_withdrawn_on = models.DateField(_("consent withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["case", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name="") | models.Q(person__isnull=False) | models.Q(unit__isnull=False),
                name="party_identified",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.person is not None:
            return self.person.name
        return self.unit.name if self.unit is not None else ""


#: Events the analyses count by day (escalations and extensions: docs/reporting.md), indexed apart.
REPORTED_EVENTS = ("escalated", "review_requested", "external_filed", "term_extended")


class CaseEvent(models.Model):
    """One thing that happened in a case. Append-only: corrections are new events."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    sequence = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("event"), max_length=64)
    on = models.DateField(_("date"), help_text=_("The day it happened, in the organisation's time zone."))
    recorded_at = models.DateTimeField(_("recorded at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(_("as"), max_length=32, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["case", "sequence"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        constraints = [models.UniqueConstraint(fields=["case", "sequence"], name="case_event_sequence_unique")]
        indexes = [
            # The analyses' escalations and extensions (plaint.reporting): the few events of these kinds by day,
            # without reading every event of the organisation. Partial, so that other events cost nothing more.
            models.Index(
                fields=["kind", "on"],
                condition=models.Q(kind__in=REPORTED_EVENTS),
                name="case_event_reported",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Case events are append-only; record a new event instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Case events are append-only and cannot be deleted.")


class TermState(models.TextChoices):
    PENDING = "pending", _("pending")
    MET = "met", _("met")
    MISSED = "missed", _("missed")
    EXTENDED = "extended", _("extended")
    PAUSED = "paused", _("paused")
    NOT_APPLICABLE = "not_applicable", _("not applicable")


OPEN_TERM_STATES = (TermState.PENDING, TermState.EXTENDED, TermState.PAUSED)


class Term(models.Model):
    """A term a case runs, with the due date computed once when it started (and the rule that produced it)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="terms", verbose_name=_("case"))
    key = models.CharField(_("term"), max_length=64)
    anchor = models.CharField(_("counted from"), max_length=64)
    started_on = models.DateField(_("started on"))
    due = models.DateField(_("due"))
    state = models.CharField(_("state"), max_length=16, choices=TermState.choices, default=TermState.PENDING)
    met_on = models.DateField(_("met on"), null=True, blank=True)
    warn_only = models.BooleanField(_("warning only"), default=False)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    party = models.CharField(_("owed by"), max_length=32, default="organisation")
    rule = models.JSONField(_("rule"), default=dict, help_text=_("The duration and calendar that produced the date."))

    class Meta:
        ordering = ["case", "due"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="term_key_unique")]
        indexes = [models.Index(fields=["state", "due"], name="term_state_due")]

    def __str__(self) -> str:
        return f"{self.key} due {self.due}"


class FollowUpKind(models.TextChoices):
    AGREEMENT = "agreement", _("agreement")
    MEASURE = "measure", _("measure")


class FollowUp(models.Model):
    """An agreement (WP-06) or a corrective or preventive measure (XS-17, WP-19), followed up until done."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=16, choices=FollowUpKind.choices)
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    recorded_by_event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case", "id"]
        verbose_name = _("agreement or measure")
        verbose_name_plural = _("agreements and measures")

    def __str__(self) -> str:
        return self.description[:60]


class Attachment(models.Model):
    """A scanned letter, email or document belonging to a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("case"))
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sensitive = models.BooleanField(
        _("sensitive"), default=False, help_text=_("Medical information or interview records, kept apart (WA-11).")
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    # None: the complainant, through the portal's private link.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["case", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ReferenceSequence(models.Model):
    """The last reference number handed out per organisation and year (XS-2027-0042)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="reference_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last_number}"


class SensitiveSectionKind(models.TextChoices):
    MEDICAL = "medical", _("medical information")
    INTERVIEW_RECORD = "interview_record", _("interview record")
    OTHER = "other", _("other sensitive information")


class SensitiveSection(models.Model):
    """Medical information or an interview record, kept apart from the rest of the case (WA-11).

    Seen only with `cases.view_sensitive`, each read recorded in the audit trail; never in letters to third parties
    or in exports (docs/access.md). The history records that a section was added (id and kind), never its text.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sensitive_sections", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=32, choices=SensitiveSectionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    event = models.ForeignKey(
        CaseEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("event"),
        help_text=_("The event it belongs to, such as the meeting whose report it is."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["case", "recorded_at", "id"]
        verbose_name = _("sensitive section")
        verbose_name_plural = _("sensitive sections")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_kind_display()}"


class EffectState(models.TextChoices):
    PENDING = "pending", _("pending")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
    WAITING = "waiting_for_handler", _("waiting for a handler")


class Effect(models.Model):
    """A consequence of a case's event outside its own rows (a letter due, a notification), written in the event's
    transaction and handled once by the app that registered a handler for its kind (`plaint.cases.effects`)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="effects", verbose_name=_("case"))
    event = models.ForeignKey(
        CaseEvent, on_delete=models.CASCADE, related_name="effects", null=True, blank=True, verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=64)
    key = models.CharField(_("key"), max_length=200, unique=True, help_text=_("What makes this effect this effect."))
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("caused by"),
    )
    state = models.CharField(_("state"), max_length=24, choices=EffectState.choices, default=EffectState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"))
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("effect")
        verbose_name_plural = _("effects")
        ordering = ("pk",)
        permissions = [("retry_effect", _("Can try a failed effect again"))]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="effect_due")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.state})"
