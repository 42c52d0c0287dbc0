"""An organisation's own letter templates: saved only after the check (it parses, renders on the procedure's sample
case within the sandbox's limits, and shows everything the letter must contain), previewed on the sample case, and
used for its letters in place of the bundled text (docs/letters.md, "Your own templates")."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from plaint.access.audit_services import AuditSource, audit_record
from plaint.access.models import User
from plaint.core import clock
from plaint.core.errors import Forbidden, InvalidInput, lazy_format
from plaint.correspondence.letters.catalogue import bundled_procedure
from plaint.correspondence.letters.data import LANGUAGES, sample_letter_data
from plaint.correspondence.letters.render import RenderedLetter, render_letter
from plaint.correspondence.letters.templating import bundled_source, bundled_template_name
from plaint.correspondence.models import LetterTemplate
from plaint.engine import Procedure
from plaint.engine.definition import Letter as LetterDefinition
from plaint.organisations.models import Organisation
from plaint.organisations.selectors import people_with_role

MAX_SOURCE = 50_000


def _letter(procedure_id: str, letter_key: str, language: str) -> tuple[Procedure, LetterDefinition]:
    procedure = bundled_procedure(procedure_id)
    letter = procedure.letter_by_key.get(letter_key) if procedure is not None else None
    if procedure is None or letter is None or language not in LANGUAGES:
        raise InvalidInput(
            lazy_format(_("There is no letter %(name)s."), name=f"{procedure_id}/{letter_key}.{language}"),
            errors={"letter": [_("Unknown letter.")]},
        )
    return procedure, letter


def _name(organisation: Organisation, procedure_id: str, letter_key: str, language: str) -> str:
    return f"{organisation.slug}/{procedure_id}/{letter_key}.{language}.liquid"


def letter_template_preview(
    *, organisation: Organisation, procedure_id: str, letter_key: str, language: str, source: str
) -> RenderedLetter:
    """The template rendered on the procedure's sample case, with the organisation's letterhead, and checked:
    `LetterTemplateError` (template and line) or `LetterContentMissing` when it would not do."""
    procedure, letter = _letter(procedure_id, letter_key, language)
    if len(source) > MAX_SOURCE:
        raise InvalidInput(_("The template is too long."), errors={"source": [_("Too long.")]})
    data = sample_letter_data(procedure, letter_key, language)
    data["organisation"] = {
        "name": organisation.name,
        "address": [line.strip() for line in organisation.address.splitlines() if line.strip()],
        "email": organisation.email,
        "phone": organisation.phone,
        "website": organisation.website,
    }
    name = _name(organisation, procedure_id, letter_key, language)
    return render_letter(letter=letter, source=source, template=name, data=data)


def letter_template_save(
    *,
    organisation: Organisation,
    procedure_id: str,
    letter_key: str,
    language: str,
    source: str,
    actor: User,
    audit_source: AuditSource | None = None,
) -> LetterTemplate:
    """Save the organisation's own template of a letter after the check (`letter_template_preview`); nothing is
    saved when it fails. Only an administrator of the organisation (its `administrator` role) or a superuser may."""
    administrator = people_with_role(organisation=organisation, role="administrator").filter(user=actor).exists()
    if not (actor.is_superuser or administrator):
        raise Forbidden(_("Only an administrator of the organisation may change its letters."))
    letter_template_preview(
        organisation=organisation, procedure_id=procedure_id, letter_key=letter_key, language=language, source=source
    )
    with transaction.atomic():
        template, _created = LetterTemplate.objects.update_or_create(
            organisation=organisation,
            procedure_id=procedure_id,
            letter_key=letter_key,
            language=language,
            defaults={"source": source, "updated_by": actor, "updated_at": clock.now()},
        )
        audit_record(
            actor=actor,
            action="letter.template_saved",
            target_type="letter_template",
            target_id=template.pk,
            organisation=organisation,
            details={"procedure": procedure_id, "letter": letter_key, "language": language},
            source=audit_source,
        )
    return template


def letter_template_reset(
    *,
    organisation: Organisation,
    procedure_id: str,
    letter_key: str,
    language: str,
    actor: User,
    audit_source: AuditSource | None = None,
) -> bool:
    """Remove the organisation's own template of a letter: the bundled text applies again. Only an administrator of
    the organisation (or a superuser). False when it had none."""
    administrator = people_with_role(organisation=organisation, role="administrator").filter(user=actor).exists()
    if not (actor.is_superuser or administrator):
        raise Forbidden(_("Only an administrator of the organisation may change its letters."))
    _letter(procedure_id, letter_key, language)
    with transaction.atomic():
        own = LetterTemplate.objects.filter(
            organisation=organisation, procedure_id=procedure_id, letter_key=letter_key, language=language
        ).first()
        if own is None:
            return False
        audit_record(
            actor=actor,
            action="letter.template_reset",
            target_type="letter_template",
            target_id=own.pk,
            organisation=organisation,
            details={"procedure": procedure_id, "letter": letter_key, "language": language},
            source=audit_source,
        )
        own.delete()
    return True


def letter_template_source(
    *, organisation: Organisation, procedure_id: str, letter_key: str, language: str
) -> tuple[str, str | None]:
    """The template a letter of this organisation is rendered with: its own, else the bundled one (None: none)."""
    own = (
        LetterTemplate.objects.filter(
            organisation=organisation, procedure_id=procedure_id, letter_key=letter_key, language=language
        )
        .values_list("source", flat=True)
        .first()
    )
    if own is not None:
        return _name(organisation, procedure_id, letter_key, language), own
    return bundled_template_name(procedure_id, letter_key, language), bundled_source(procedure_id, letter_key, language)
