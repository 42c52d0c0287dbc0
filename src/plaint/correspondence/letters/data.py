"""The plain data a letter template sees: strings, lists of strings and dicts of them, never a model or a method.

Every letter's data has the same shape (below), so a template can be checked on any case and on the built-in sample
case (`sample_letter_data`). `content` holds one text per item a procedure's letter may have to contain (the engine's
`LetterContent`); a letter's `must_contain` names the items that must be there, non-empty, in what it renders
(`plaint.correspondence.letters.render.must_contain_check`).

    lang                 "en" or "nl"
    today                the letter's date, in words ("22 april 2025")
    organisation         name, address (lines), email, phone, website
    procedure            id, title, purpose
    letter               key, label, enclosures (labels)
    recipient            name, address (lines), role, salutation_name
    case                 reference, received_on (in words), summary, complainant
    sender               name, role
    content              one text per LetterContent item ("" when the case has none)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, get_args

from plaint import engine
from plaint.engine.definition import Enclosure, LetterContent, Procedure
from plaint.engine.messages import Lang
from plaint.engine.render.text import CATALOGUE, date_words, duration_words

LANGUAGES = ("en", "nl")

#: Every item a letter may have to contain, in the order of the engine's vocabulary.
CONTENT_ITEMS: tuple[str, ...] = get_args(LetterContent)

#: What each item is, for people (the CLI's list, errors, the editor's help).
CONTENT_LABELS: dict[str, tuple[str, str]] = {
    "date_of_receipt": ("the date the complaint was received", "de datum van ontvangst"),
    "summary": ("a summary of the complaint", "een samenvatting van de klacht"),
    "purpose_of_procedure": ("the purpose of the procedure", "het doel van de procedure"),
    "next_steps": ("what happens next", "wat er nu gebeurt"),
    "handler": ("who handles the complaint", "wie de klacht behandelt"),
    "complaint_date": ("the date of the complaint", "de datum van de klacht"),
    "facts": ("the facts", "de feiten"),
    "agreements": ("what was agreed", "de afspraken"),
    "what_took_place": ("what took place", "wat er is gebeurd"),
    "solutions": ("the solutions", "de oplossingen"),
    "suggestions_for_resolution": ("suggestions to resolve it", "voorstellen voor een oplossing"),
    "findings": ("the findings", "de bevindingen"),
    "outcome": ("the outcome", "de uitkomst"),
    "judgement": ("the judgement", "het oordeel"),
    "reasons": ("the reasons", "de redenen"),
    "measures": ("the measures", "de maatregelen"),
    "advice": ("the advice", "het advies"),
    "prevention": ("how it is prevented", "hoe herhaling wordt voorkomen"),
    "explanation": ("an explanation", "een toelichting"),
    "apology": ("an apology", "excuses"),
    "action_taken": ("the action taken", "de genomen maatregelen"),
    "delay_reasons": ("why it takes longer", "waarom het langer duurt"),
    "new_due_date": ("the new date", "de nieuwe datum"),
    "extension_reasons": ("why the term is extended", "waarom de termijn wordt verlengd"),
    "right_to_review": ("the right to a review", "het recht op heroverweging"),
    "external_body": ("the external body and its contact details", "de externe instantie en haar contactgegevens"),
    "external_time_limit": ("the external body's time limit", "de termijn van de externe instantie"),
    "report_of_conversation": ("the report of the conversation", "het verslag van het gesprek"),
    "final_position": ("the final position", "het definitieve standpunt"),
}

ENCLOSURE_LABELS: dict[str, tuple[str, str]] = {
    "procedure": ("the complaints procedure", "de klachtenprocedure"),
    "complaint": ("your complaint", "uw klacht"),
    "complaint_form": ("the complaint form", "het klachtformulier"),
    "report": ("the report", "het verslag"),
    "final_report": ("the final report", "de eindrapportage"),
}
assert set(ENCLOSURE_LABELS) == set(get_args(Enclosure))
assert set(CONTENT_LABELS) == set(CONTENT_ITEMS)

#: Texts a handler writes (the action's data or note); the rest comes from the case and the procedure.
WRITTEN_ITEMS = frozenset(CONTENT_ITEMS) - {
    "date_of_receipt",
    "complaint_date",
    "summary",
    "purpose_of_procedure",
    "handler",
    "external_body",
    "external_time_limit",
    "right_to_review",
}


def as_lang(lang: str) -> Lang:
    return "nl" if lang == "nl" else "en"


def pick(texts: tuple[str, str], lang: str) -> str:
    return texts[1] if lang == "nl" else texts[0]


def outcome_words(code: str, lang: str) -> str:
    words = CATALOGUE.get(f"outcome.{code}")
    text = code.replace("_", " ") if words is None else (words[1] if lang == "nl" else words[0])
    return text[:1].upper() + text[1:]


def procedure_texts(procedure: Procedure, language: str) -> dict[str, str]:
    """What a procedure itself says that letters name: its purpose, the review, the external body and its limit."""
    lang = as_lang(language)
    purpose = ""
    for stage in procedure.stages:
        if stage.description is not None and stage.kind not in ("review", "external", "board", "committee"):
            purpose = " ".join(stage.description.get(lang).split())
            break
    if not purpose:
        purpose = procedure.title.get(lang)
    review = ""
    for stage in procedure.stages:
        if stage.kind in ("review", "board", "committee", "external"):
            label = stage.label.get(lang)
            review = (
                f"U kunt vragen om {label[0].lower() + label[1:]}."
                if lang == "nl"
                else f"You may ask for a further step: {label[0].lower() + label[1:]}."
            )
            break
    body_name, body_limit = "", ""
    if procedure.external_bodies:
        body = procedure.external_bodies[0]
        contact = body.contact
        parts = [body.name.get(lang)]
        if contact is not None:
            parts += list(contact.address)
            parts += [item for item in (contact.email, contact.phone, contact.website) if item]
        body_name = ", ".join(dict.fromkeys(parts))
        limits = []
        for limit in body.time_limits:
            limits.append(limit.text.get(lang) if limit.text is not None else duration_words(limit.duration, lang))
        body_limit = " ".join(limits)
    if not review and body_name:
        review = (
            f"U kunt zich wenden tot {procedure.external_bodies[0].name.get(lang)}."
            if lang == "nl"
            else f"You may turn to {procedure.external_bodies[0].name.get(lang)}."
        )
    return {
        "purpose_of_procedure": purpose,
        "right_to_review": review,
        "external_body": body_name,
        "external_time_limit": body_limit,
    }


def letter_enclosures(letter: engine.definition.Letter, lang: Lang) -> list[str]:
    return [pick(ENCLOSURE_LABELS[item], lang) for item in letter.encloses]


def empty_content() -> dict[str, str]:
    return {item: "" for item in CONTENT_ITEMS}


def frame(
    *,
    lang: Lang,
    today: dt.date,
    organisation: Mapping[str, Any],
    procedure: Procedure,
    letter: engine.definition.Letter,
    recipient: Mapping[str, Any],
    case: Mapping[str, Any],
    sender: Mapping[str, Any],
    content: Mapping[str, str],
) -> dict[str, Any]:
    """The whole data dict, every value a plain string, list or dict (nothing a template could call)."""
    plain: dict[str, Any] = _plain(
        {
            "lang": lang,
            "today": date_words(today, "nl" if lang == "nl" else "en"),
            "organisation": organisation,
            "procedure": {
                "id": procedure.id,
                "title": procedure.title.get(lang),
                "purpose": procedure_texts(procedure, lang)["purpose_of_procedure"],
            },
            "letter": {
                "key": letter.key,
                "label": letter.label.get(lang),
                "enclosures": letter_enclosures(letter, lang),
            },
            "recipient": recipient,
            "case": case,
            "sender": sender,
            "content": {item: str(content.get(item) or "") for item in CONTENT_ITEMS},
        }
    )
    return plain


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    return str(value)


# The built-in sample case: every item filled in, in both languages

_SAMPLE: dict[str, tuple[str, str]] = {
    "summary": (
        "The reintegration report was sent to the wrong employer.",
        "Het re-integratieverslag is naar de verkeerde werkgever gestuurd.",
    ),
    "next_steps": (
        "Your complaint handler will contact you within five working days to discuss your complaint.",
        "Uw klachtbehandelaar neemt binnen vijf werkdagen contact met u op om uw klacht te bespreken.",
    ),
    "handler": ("Anna de Vries, complaints officer", "Anna de Vries, klachtenfunctionaris"),
    "facts": (
        "On 3 March the report about you was sent by email to a company you never worked for.",
        "Op 3 maart is het verslag over u per e-mail gestuurd naar een bedrijf waar u nooit hebt gewerkt.",
    ),
    "agreements": (
        "We ask the company to delete the report and confirm this to you in writing by 1 May.",
        "Wij vragen het bedrijf het verslag te verwijderen en u dat vóór 1 mei schriftelijk te bevestigen.",
    ),
    "what_took_place": (
        "We met on 10 April with you and the team leader and went through the events together.",
        "Wij spraken op 10 april met u en de teamleider en liepen de gebeurtenissen samen door.",
    ),
    "solutions": (
        "The report is withdrawn and a corrected copy is sent only to you.",
        "Het verslag wordt ingetrokken en een verbeterd exemplaar gaat alleen naar u.",
    ),
    "suggestions_for_resolution": (
        "We propose a meeting with the team leader to agree how reports are sent from now on.",
        "Wij stellen een gesprek met de teamleider voor om af te spreken hoe verslagen voortaan worden verstuurd.",
    ),
    "findings": (
        "The address book held two companies with the same name; the wrong one was chosen.",
        "In het adresboek stonden twee bedrijven met dezelfde naam; de verkeerde werd gekozen.",
    ),
    "judgement": ("The complaint is well-founded.", "De klacht is gegrond."),
    "reasons": (
        "Personal data left the organisation without a check of the recipient, which our rules require.",
        "Persoonsgegevens verlieten de organisatie zonder controle van de ontvanger, terwijl onze regels dat eisen.",
    ),
    "measures": (
        "Reports are now sent through the secure portal only, after a second check of the recipient.",
        "Verslagen gaan nu alleen via het beveiligde portaal, na een tweede controle van de ontvanger.",
    ),
    "advice": (
        "The committee advises training all staff in sending personal data.",
        "De commissie adviseert alle medewerkers te trainen in het versturen van persoonsgegevens.",
    ),
    "prevention": (
        "A monthly check of the address book keeps duplicate entries out.",
        "Een maandelijkse controle van het adresboek houdt dubbele vermeldingen buiten de deur.",
    ),
    "explanation": (
        "The report was sent in a hurry at the end of the day, without the usual check.",
        "Het verslag is aan het eind van de dag haastig verstuurd, zonder de gebruikelijke controle.",
    ),
    "apology": (
        "We are sorry for the worry this has caused you.",
        "Het spijt ons dat dit u zorgen heeft bezorgd.",
    ),
    "action_taken": (
        "The team leader has discussed the mistake with the staff member involved.",
        "De teamleider heeft de fout besproken met de betrokken medewerker.",
    ),
    "delay_reasons": (
        "We still need to hear the staff member involved, who is on leave until next week.",
        "Wij moeten de betrokken medewerker nog horen, die tot volgende week met verlof is.",
    ),
    "extension_reasons": (
        "We still need to hear the staff member involved, who is on leave until next week.",
        "Wij moeten de betrokken medewerker nog horen, die tot volgende week met verlof is.",
    ),
    "report_of_conversation": (
        "Present: you, the team leader and the complaints officer. You explained what happened; the team leader "
        "acknowledged the mistake. Agreed: a corrected report goes to you only.",
        "Aanwezig: u, de teamleider en de klachtenfunctionaris. U legde uit wat er gebeurde; de teamleider "
        "erkende de fout. Afgesproken: een verbeterd verslag gaat alleen naar u.",
    ),
    "final_position": (
        "Having reviewed your complaint, we uphold our earlier conclusion.",
        "Na heroverweging van uw klacht blijven wij bij onze eerdere conclusie.",
    ),
}

SAMPLE_RECEIVED = dt.date(2026, 3, 12)
SAMPLE_TODAY = dt.date(2026, 4, 22)
SAMPLE_DUE = dt.date(2026, 5, 6)


def sample_organisation() -> dict[str, Any]:
    return {
        "name": "Voorbeeld Arbo B.V.",
        "address": ["Stationsplein 1", "3511 ED Utrecht"],
        "email": "klachten@voorbeeld.example",
        "phone": "030 123 45 67",
        "website": "https://voorbeeld.example",
    }


def sample_letter_data(procedure: Procedure, letter_key: str, language: str) -> dict[str, Any]:
    """The built-in sample case of a procedure, for `plaint letters render`, the previews and the checks."""
    lang = as_lang(language)
    letter = procedure.letter_by_key[letter_key]
    content = {item: pick(text, lang) for item, text in _SAMPLE.items()}
    content |= procedure_texts(procedure, lang)
    received = date_words(SAMPLE_RECEIVED, "nl" if lang == "nl" else "en")
    content["date_of_receipt"] = received
    content["complaint_date"] = received
    content["new_due_date"] = date_words(SAMPLE_DUE, "nl" if lang == "nl" else "en")
    content["outcome"] = outcome_words("well_founded", lang)
    if not content["external_body"]:
        content["external_body"] = "Geschillencommissie, Postbus 90600, 2509 LP Den Haag"
        content["external_time_limit"] = (
            "Binnen drie maanden na deze brief." if lang == "nl" else "Within three months of this letter."
        )
    return frame(
        lang=lang,
        today=SAMPLE_TODAY,
        organisation=sample_organisation(),
        procedure=procedure,
        letter=letter,
        recipient={
            "name": "J. Jansen",
            "address": ["Kerkstraat 12", "1234 AB Amersfoort"],
            "role": "complainant",
            "salutation_name": "J. Jansen",
        },
        case={
            "reference": "VB-2026-0042",
            "received_on": received,
            "summary": content["summary"],
            "complainant": "J. Jansen",
        },
        sender={"name": "Anna de Vries", "role": "klachtenfunctionaris" if lang == "nl" else "complaints officer"},
        content=content,
    )
