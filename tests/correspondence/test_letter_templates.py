"""An organisation's own letter templates: checked on save (parses, stays within the sandbox, shows what the letter
must contain, e.g. the external body and its time limit in WH-09's final position), previewed on the sample case,
and used for its letters in place of the bundled text."""

from __future__ import annotations

import pytest

from plaint.access.models_audit import AuditRecord
from plaint.core.errors import Forbidden
from plaint.correspondence.errors import LetterContentMissing, LetterTemplateError
from plaint.correspondence.letters.templates_services import (
    letter_template_preview,
    letter_template_save,
    letter_template_source,
)
from plaint.correspondence.models import LetterTemplate
from tests.cases.factories import organisation_running, staff

pytestmark = pytest.mark.django_db

FINAL = (
    "Dear {{ recipient.name }},\n\nOur final position: {{ content.final_position }}\n\n{{ content.reasons }}\n\n"
    "You may go to {{ content.external_body }}. {{ content.external_time_limit }}\n"
)


def test_a_template_is_saved_after_its_check_and_used_for_the_organisations_letters_WH_09():
    organisation = organisation_running("workare-handling", name="Workare Ltd")
    admin = staff(organisation, "administrator")
    preview = letter_template_preview(
        organisation=organisation,
        procedure_id="workare-handling",
        letter_key="final_position",
        language="en",
        source=FINAL,
    )
    assert "Workare Ltd" in preview.text and "Legal Ombudsman" in preview.text and preview.pdf.startswith(b"%PDF")
    letter_template_save(
        organisation=organisation,
        procedure_id="workare-handling",
        letter_key="final_position",
        language="en",
        source=FINAL,
        actor=admin,
    )
    name, source = letter_template_source(
        organisation=organisation, procedure_id="workare-handling", letter_key="final_position", language="en"
    )
    assert source == FINAL and name.endswith("final_position.en.liquid")
    assert AuditRecord.objects.filter(action="letter.template_saved").count() == 1


@pytest.mark.parametrize(
    ("source", "error"),
    [
        (FINAL.replace("{{ content.external_time_limit }}", ""), LetterContentMissing),  # the time limit left out
        (FINAL + "{% for x in (1..99999999) %}{{ x }}{% endfor %}", LetterTemplateError),  # loops forever
        (FINAL + "{{ case.objects.delete }}", LetterTemplateError),  # reaches beyond its data
        (FINAL + "{% if %}", LetterTemplateError),  # does not parse
    ],
)
def test_a_template_that_would_not_do_is_not_saved(source, error):
    organisation = organisation_running("workare-handling")
    admin = staff(organisation, "administrator")
    with pytest.raises(error) as refused:
        letter_template_save(
            organisation=organisation,
            procedure_id="workare-handling",
            letter_key="final_position",
            language="en",
            source=source,
            actor=admin,
        )
    assert "final_position.en.liquid" in str(refused.value.detail)
    assert not LetterTemplate.objects.exists()


def test_only_an_administrator_changes_the_letters():
    organisation = organisation_running("workare-handling")
    with pytest.raises(Forbidden):
        letter_template_save(
            organisation=organisation,
            procedure_id="workare-handling",
            letter_key="final_position",
            language="en",
            source=FINAL,
            actor=staff(organisation, "handler"),
        )
