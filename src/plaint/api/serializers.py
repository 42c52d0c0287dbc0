"""Input and output serializers of the case operations: shapes and plain type checks only, no business rules.

The services decide what is allowed (`plaint.cases.services`); these only say what a request and a response look like.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from plaint.api.fields import MAX_DESCRIPTION, MAX_NOTE, BoundedDateField, BoundedDateTimeField, id_field, text_field
from plaint.api.sensitive_serializers import SensitiveSummaryOutput
from plaint.cases.models import Confidentiality, Nature, NoEligibleHandler, PartyRole, Status
from plaint.cases.selectors import CaseFilters, organisations_for_registration
from plaint.cases.services import PartyInput, Registration
from plaint.engine import vocabulary
from plaint.organisations.models import Organisation

LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]


# Registration


class ComplainantInput(serializers.Serializer[Any]):
    person = id_field(required=False, help_text=_("A person of the organisation (an internal complaint)."))
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    address = serializers.CharField(required=False, allow_blank=True)
    group = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text=_("Who the complainant is, in the procedure's terms."),
    )
    internal = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("name") and attrs.get("person") is None:
            raise serializers.ValidationError({"name": [_("Give the complainant's name or a person.")]})
        return attrs


class SubjectInput(serializers.Serializer[Any]):
    person = id_field(required=False, help_text=_("The employee the complaint is about."))
    unit = id_field(required=False, help_text=_("The team, department, location or project."))
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    address = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("name") and attrs.get("person") is None and attrs.get("unit") is None:
            raise serializers.ValidationError({"name": [_("Give a person, a unit or a name.")]})
        return attrs


class RepresentativeInput(serializers.Serializer[Any]):
    role = serializers.ChoiceField(
        choices=[
            (PartyRole.REPRESENTATIVE, _("representative")),
            (PartyRole.SURVIVING_RELATIVE, _("surviving relative")),
        ]
    )
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    address = serializers.CharField(required=False, allow_blank=True)
    authorisation = serializers.CharField(
        required=False, allow_blank=True, help_text=_("How the complainant authorised the representative (WA-09).")
    )
    consent_given_on = BoundedDateField(required=False, allow_null=True)


class CaseRegisterInput(serializers.Serializer[Any]):
    organisation = serializers.SlugField(help_text=_("The slug of one of your organisations."))
    kind = serializers.ChoiceField(choices=vocabulary.KINDS, default="complaint")
    channel = serializers.ChoiceField(choices=vocabulary.CHANNELS)
    description = text_field(max_length=MAX_DESCRIPTION)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=300)
    received_at = BoundedDateTimeField(
        required=False, help_text=_("When the organisation received it; default now. Never in the future.")
    )
    language = serializers.ChoiceField(choices=LANGUAGES, required=False)
    incident_date = BoundedDateField(required=False, allow_null=True)
    nature = serializers.ChoiceField(choices=Nature.choices, required=False, allow_blank=True)
    categories = serializers.ListField(child=serializers.SlugField(), required=False)
    complainant = ComplainantInput()
    subjects = SubjectInput(many=True, required=False)
    representative = RepresentativeInput(required=False, allow_null=True)
    confidentiality = serializers.ChoiceField(choices=Confidentiality.choices, default=Confidentiality.NORMAL)
    note = text_field(max_length=MAX_NOTE, required=False, allow_blank=True)

    def validate_organisation(self, value: str) -> Organisation:
        actor = self.context["request"].user
        organisation = organisations_for_registration(actor=actor).filter(slug=value).first()
        if organisation is None:
            raise serializers.ValidationError(_("None of your organisations has this slug."))
        return organisation

    def registration(self) -> Registration:
        data = self.validated_data
        complainant = data["complainant"]
        representative = data.get("representative")
        return Registration(
            kind=data["kind"],
            channel=data["channel"],
            description=data["description"],
            summary=data.get("summary", ""),
            received_at=data.get("received_at"),
            language=data.get("language"),
            incident_date=data.get("incident_date"),
            nature=data.get("nature", ""),
            category_codes=tuple(data.get("categories", ())),
            complainant=PartyInput(
                role=PartyRole.COMPLAINANT,
                person_id=complainant.get("person"),
                name=complainant.get("name", ""),
                email=complainant.get("email", ""),
                phone=complainant.get("phone", ""),
                address=complainant.get("address", ""),
                group=complainant.get("group", ""),
                internal=complainant.get("internal", False),
            ),
            subjects=tuple(
                PartyInput(
                    role=PartyRole.SUBJECT,
                    person_id=subject.get("person"),
                    unit_id=subject.get("unit"),
                    name=subject.get("name", ""),
                    email=subject.get("email", ""),
                    phone=subject.get("phone", ""),
                    address=subject.get("address", ""),
                )
                for subject in data.get("subjects", ())
            ),
            representative=None
            if representative is None
            else PartyInput(
                role=representative["role"],
                name=representative["name"],
                email=representative.get("email", ""),
                phone=representative.get("phone", ""),
                address=representative.get("address", ""),
                authorisation=representative.get("authorisation", ""),
                consent_given_on=representative.get("consent_given_on"),
            ),
            confidentiality=data["confidentiality"],
            note=data.get("note", ""),
        )


# The list


class CaseFiltersInput(serializers.Serializer[Any]):
    """The query parameters of the case list. Unknown parameters are refused, so a typo never silently lists all."""

    PAGING = ("page", "page_size", "format")

    organisation = serializers.SlugField(required=False, help_text=_("Organisation slug."))
    kind = serializers.ChoiceField(choices=vocabulary.KINDS, required=False)
    stage = serializers.RegexField(r"^[a-z][a-z0-9_]*$", max_length=64, required=False, help_text=_("Stage key."))
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    handler = id_field(required=False, help_text=_("Person id of the handler or delegate."))
    category = serializers.SlugField(required=False, help_text=_("Category code."))
    cause = serializers.SlugField(required=False, help_text=_("Cause code."))
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    due_before = BoundedDateField(required=False, help_text=_("Next due date before this day."))
    no_eligible_handler = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Only cases nobody may handle now (true), or only the others (false)."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields) - set(self.PAGING))
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown filter.")] for name in unknown})
        return attrs

    def filters(self) -> CaseFilters:
        return CaseFilters(**{key: value for key, value in self.validated_data.items() if value is not None})


class PersonOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CaseSummaryOutput(serializers.Serializer[Any]):
    """A case in the inbox."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    organisation = serializers.CharField(source="organisation.slug")
    kind = serializers.CharField()
    channel = serializers.CharField()
    summary = serializers.CharField()
    received_on = serializers.DateField()
    stage = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    next_due = serializers.DateField(allow_null=True)
    handler = PersonOutput(allow_null=True)
    no_eligible_handler = serializers.CharField(
        help_text=_("Why nobody may handle the case's current stage (conflicted, nobody); empty when someone may.")
    )
    version = serializers.IntegerField()


class CaseRegisteredOutput(serializers.Serializer[Any]):
    """What a registration answers (201, or 200 for a retry with the same Idempotency-Key): the case's id, reference
    and version, and where its full detail is (`url`, also the `Location` header), one GET away."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    organisation = serializers.CharField(source="organisation.slug")
    kind = serializers.CharField()
    channel = serializers.CharField()
    received_at = serializers.DateTimeField()
    received_on = serializers.DateField()
    stage = serializers.CharField()
    status = serializers.CharField()
    next_due = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()
    url = serializers.CharField(help_text=_("The case's detail: GET it for its parties, terms, history and actions."))


class CaseActedOutput(serializers.Serializer[Any]):
    """What an action answers (200): the case's id, reference, state and new version, and where its full detail is
    (`url`, also the `Location` header), one GET away. Built from the case the action left, without a second read
    of the whole case (issue 17)."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    stage = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    next_due = serializers.DateField(allow_null=True)
    version = serializers.IntegerField(help_text=_("The case's version after the action: send it with the next one."))
    url = serializers.CharField(help_text=_("The case's detail: GET it for its parties, terms, history and actions."))


# The detail


class LabelOutput(serializers.Serializer[Any]):
    en = serializers.CharField()
    nl = serializers.CharField()


class PartyOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    role = serializers.CharField()
    name = serializers.CharField(help_text=_("The name given, or the person's or unit's name."))
    person = serializers.IntegerField(allow_null=True)
    unit = serializers.IntegerField(allow_null=True)
    email = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    group = serializers.CharField()
    internal = serializers.BooleanField()
    involved = serializers.BooleanField()
    authorisation = serializers.CharField()
    consent_given_on = serializers.DateField(allow_null=True)
    consent_withdrawn_on = serializers.DateField(allow_null=True)


class AttachmentOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sensitive = serializers.BooleanField(
        help_text=_("Medical information or an interview record: shown only to those who may see them (WA-11).")
    )
    description = serializers.CharField(help_text=_("What the document is, as the person adding it said."))
    uploaded_by = serializers.CharField(help_text=_("The username of who added it."))
    uploaded_at = serializers.DateTimeField()


class TermOutput(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = LabelOutput()  # type: ignore[assignment]
    anchor = serializers.CharField(help_text=_("The event the term is counted from."))
    started_on = serializers.DateField()
    due = serializers.DateField()
    state = serializers.CharField()
    met_on = serializers.DateField(allow_null=True)
    warn_only = serializers.BooleanField()
    extensions = serializers.IntegerField()
    party = serializers.CharField(help_text=_("Who must act for the term to be met."))


class RouteOutput(serializers.Serializer[Any]):
    key = serializers.CharField(help_text=_("The body's key: send it as external_filed's body."))
    label = LabelOutput(help_text=_("The body's name."))  # type: ignore[assignment]
    available_when = LabelOutput(
        allow_null=True, help_text=_("Who may go there, in words (WP-20); null when the procedure names no condition.")
    )
    clauses = serializers.ListField(child=serializers.CharField())


class LimitOutput(serializers.Serializer[Any]):
    key = serializers.CharField(help_text=_("<external body>.<anchor>, as `plaint procedures plan` lists it."))
    body = serializers.CharField(help_text=_("The external body the complainant may go to."))
    label = LabelOutput()  # type: ignore[assignment]
    anchor = serializers.CharField(help_text=_("The event (or incident, awareness) the limit is counted from."))
    started_on = serializers.DateField()
    due = serializers.DateField(help_text=_("The last day the complainant can file in time."))
    state = serializers.ChoiceField(choices=["open", "passed", "met", "late"])
    filed_on = serializers.DateField(allow_null=True)
    clauses = serializers.ListField(child=serializers.CharField())


class EventOutput(serializers.Serializer[Any]):
    sequence = serializers.IntegerField()
    kind = serializers.CharField()
    on = serializers.DateField()
    recorded_at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True, help_text=_("Username of who recorded it."))
    role = serializers.CharField(help_text=_("The role or party the action was taken as."))
    data = serializers.JSONField()  # type: ignore[assignment]
    note = serializers.CharField()


class FollowUpOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    description = serializers.CharField()
    owner = PersonOutput(allow_null=True)
    follow_up_on = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)


class LetterDueOutput(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = LabelOutput()  # type: ignore[assignment]
    because = serializers.CharField(help_text=_("The event, missed term or extension that made it due."))
    since = serializers.DateField()


class EffectOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=_("What it is: letter.<letter key>, notification.handler_assigned."))
    event = serializers.IntegerField(allow_null=True, help_text=_("The sequence of the event that caused it."))
    state = serializers.CharField(
        help_text=_("pending, done, failed, or waiting_for_handler (nothing in Plaint handles this kind yet).")
    )
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    handled_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)


class ProcedureOutput(serializers.Serializer[Any]):
    id = serializers.CharField()
    version = serializers.IntegerField()
    title = LabelOutput()


class NoEligibleHandlerOutput(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=NoEligibleHandler.choices)
    roles = serializers.ListField(child=serializers.CharField(), help_text=_("The roles the stage is routed to."))
    text = serializers.CharField(help_text=_("What it means, in the reader's language."))


class CaseDetailOutput(serializers.Serializer[Any]):
    """A case with its parties, terms, history and what may be done next."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    organisation = serializers.CharField()
    procedure = ProcedureOutput()
    kind = serializers.CharField()
    channel = serializers.CharField()
    received_at = serializers.DateTimeField()
    received_on = serializers.DateField()
    language = serializers.CharField()
    summary = serializers.CharField()
    description = serializers.CharField()
    incident_date = serializers.DateField(allow_null=True)
    nature = serializers.CharField()
    categories = serializers.ListField(child=serializers.CharField())
    causes = serializers.ListField(child=serializers.CharField())
    commissioning_party = serializers.CharField()
    confidentiality = serializers.CharField()
    handler = PersonOutput(allow_null=True)
    delegate = PersonOutput(allow_null=True)
    stage = serializers.CharField()
    stage_label = LabelOutput(allow_null=True)
    status = serializers.CharField()
    outcome = serializers.CharField()
    next_due = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    no_eligible_handler = NoEligibleHandlerOutput(
        allow_null=True,
        help_text=_(
            "Set when nobody may handle the case's current stage (everyone holding the routed role is in conflict, "
            "or nobody holds it); the organisation's administrators are told. Null when someone may."
        ),
    )
    version = serializers.IntegerField(help_text=_("Send it back with every action; a stale one gets 409."))
    parties = PartyOutput(many=True)
    terms = TermOutput(many=True)
    events = EventOutput(many=True)
    follow_ups = FollowUpOutput(many=True)
    attachments = AttachmentOutput(
        many=True, help_text=_("Documents; sensitive ones only if you may see the case's sensitive sections.")
    )
    sensitive_sections = SensitiveSummaryOutput(
        help_text=_("Medical information and interview records, kept apart (WA-11): how many, never what they say.")
    )
    my_roles = serializers.ListField(child=serializers.CharField(), help_text=_("Your roles on this case."))
    my_actions = serializers.ListField(child=serializers.CharField(), help_text=_("The actions you may take now."))
    allowed = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Every role or party and the actions it may take now."),
    )
    responsible = serializers.ListField(child=serializers.CharField(), help_text=_("The roles handling this stage."))
    letters_due = LetterDueOutput(many=True)
    effects = EffectOutput(
        many=True, help_text=_("What the case's events set in motion (letters, notifications) and what became of it.")
    )
    rights = serializers.ListField(
        child=serializers.CharField(), help_text=_("External bodies now open to the complainant.")
    )
    limits = LimitOutput(
        many=True,
        help_text=_("The complainant's own time limits to go to an external body (WP-15, WH-09), once started."),
    )
    routes = RouteOutput(
        many=True,
        help_text=_(
            "The external bodies the complainant may be pointed to now (record it with external_filed and the "
            "route's key as body): the committee, UWV's labour expert for a client in a UWV trajectory (WP-20)."
        ),
    )
    warnings = serializers.ListField(child=serializers.CharField(), help_text=_("In the request's language."))


# Tokens


class TokenInput(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=_("The second factor: a code of your authenticator app, or one of your recovery codes."),
    )


class TokenOutput(serializers.Serializer[Any]):
    token = serializers.CharField(help_text=_("Send it as `Authorization: Token <token>`."))


# Representatives' consent (WA-10)


class ConsentInput(serializers.Serializer[Any]):
    """The complainant's written consent for a representative or surviving relative (WA-10)."""

    given_on = BoundedDateField(help_text=_("The date of the written consent; not in the future."))


class ConsentWithdrawalInput(serializers.Serializer[Any]):
    """The complainant withdrew the consent: nothing more about them goes to the representative."""

    withdrawn_on = BoundedDateField(help_text=_("The day the consent was withdrawn; not in the future."))
