"""The engine's message catalogue: every sentence the engine says to a person, in English and Dutch.

A `Message` is a code and its parameters; `text(lang)` fills in the template. Codes are stable (tests and other apps
match on them); templates may be reworded freely.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Final, Literal, Protocol

Lang = Literal["en", "nl"]
LANGS: Final = ("en", "nl")

_CATALOGUE: Final[Mapping[str, tuple[str, str]]] = MappingProxyType(
    {
        # Reading the file
        "file_unreadable": ("cannot read the file: {reason}", "kan het bestand niet lezen: {reason}"),
        "file_not_utf8": (
            "the file is not UTF-8 text (byte {position} cannot be decoded)",
            "het bestand is geen UTF-8-tekst (byte {position} is niet te lezen)",
        ),
        "file_empty": (
            "the file is empty: a procedure file is a mapping",
            "het bestand is leeg: een procedurebestand is een mapping",
        ),
        "yaml_syntax": ("YAML syntax error: {problem}", "YAML-syntaxfout: {problem}"),
        "not_mapping": (
            "a procedure file must be a mapping (key: value), not {found}",
            "een procedurebestand moet een mapping (sleutel: waarde) zijn, geen {found}",
        ),
        "multiple_documents": (
            "a procedure file holds one YAML document, not several",
            "een procedurebestand bevat één YAML-document, niet meerdere",
        ),
        "duplicate_key": (
            "duplicate key {key!r} (first on line {first_line})",
            "dubbele sleutel {key!r} (eerst op regel {first_line})",
        ),
        "key_not_string": (
            "keys must be text, not {found} (YAML reads yes/no/on/off as true/false: quote such a key)",
            "sleutels moeten tekst zijn, geen {found} (YAML leest yes/no/on/off als true/false: zet zo'n "
            "sleutel tussen aanhalingstekens)",
        ),
        "yaml_unsupported": ("unsupported YAML: {problem}", "niet-ondersteunde YAML: {problem}"),
        # Structure (from pydantic)
        "missing": ("required field {field!r} is missing", "verplicht veld {field!r} ontbreekt"),
        "extra_forbidden": ("unknown key {field!r}{hint}", "onbekende sleutel {field!r}{hint}"),
        "wrong_type": ("expected {expected}, got {found}", "verwacht: {expected}, gevonden: {found}"),
        "not_allowed_value": (
            "{value!r} is not allowed here; choose one of: {choices}",
            "{value!r} is hier niet toegestaan; kies uit: {choices}",
        ),
        "too_short": ("must not be empty", "mag niet leeg zijn"),
        "number_too_small": ("must be at least {minimum}", "moet minstens {minimum} zijn"),
        "invalid_value": ("{detail}", "{detail}"),
        # Vocabulary
        "unknown_event": ("unknown event {value!r}{hint}", "onbekende gebeurtenis {value!r}{hint}"),
        "unknown_role": ("unknown role {value!r}{hint}", "onbekende rol {value!r}{hint}"),
        "unknown_actor": ("unknown role or party {value!r}{hint}", "onbekende rol of partij {value!r}{hint}"),
        "unknown_recipient": ("unknown recipient {value!r}{hint}", "onbekende ontvanger {value!r}{hint}"),
        "bad_duration": (
            "{value!r} is not a duration; write a number and a unit (calendar days, working days, weeks, months, "
            "years), e.g. '5 working days'",
            "{value!r} is geen termijn; schrijf een getal en een eenheid (calendar days, working days, weeks, months, "
            "years), bijv. '5 working days'",
        ),
        "bad_clause": (
            "{value!r} is not a clause id; write two capital letters, a hyphen and two digits, e.g. 'XS-13'",
            "{value!r} is geen clausule-id; schrijf twee hoofdletters, een streepje en twee cijfers, bijv. 'XS-13'",
        ),
        "bad_procedure_id": (
            "{value!r} is not a valid procedure id; use lower case letters, digits, underscores and single hyphens, "
            "starting with a letter (e.g. 'workers-union')",
            "{value!r} is geen geldig procedure-id; gebruik kleine letters, cijfers, liggende streepjes en losse "
            "koppeltekens, beginnend met een letter (bijv. 'workers-union')",
        ),
        "bad_key": (
            "{value!r} is not a valid key; use lower case letters, digits and underscores, starting with a letter",
            "{value!r} is geen geldige sleutel; gebruik kleine letters, cijfers en liggende streepjes, beginnend met "
            "een letter",
        ),
        # Cross-references
        "clause_other_document": (
            "clause {value!r} does not belong to this procedure's document (its clauses start with {prefix!r})",
            "clausule {value!r} hoort niet bij het document van deze procedure (clausules beginnen met {prefix!r})",
        ),
        "role_not_declared": (
            "role {value!r} is used but not declared under 'roles'",
            "rol {value!r} wordt gebruikt maar staat niet onder 'roles'",
        ),
        "unknown_stage": ("no stage with key {value!r}{hint}", "geen fase met sleutel {value!r}{hint}"),
        "unknown_term": ("no term with key {value!r}{hint}", "geen termijn met sleutel {value!r}{hint}"),
        "unknown_letter": ("no letter with key {value!r}{hint}", "geen brief met sleutel {value!r}{hint}"),
        "unknown_external_body": (
            "no external body with key {value!r}{hint}",
            "geen externe instantie met sleutel {value!r}{hint}",
        ),
        "duplicate_item_key": (
            "duplicate {what} key {value!r} (first at {first})",
            "dubbele {what}-sleutel {value!r} (eerst bij {first})",
        ),
        "event_never_happens": (
            "event {value!r} can never happen: no stage has an action that records it",
            "gebeurtenis {value!r} kan nooit plaatsvinden: geen fase heeft een handeling die haar vastlegt",
        ),
        "builtin_event_as_action": (
            "event {value!r} is recorded by the engine itself and cannot be a stage action",
            "gebeurtenis {value!r} wordt door de engine zelf vastgelegd en kan geen handeling van een fase zijn",
        ),
        "duplicate_action": (
            "event {value!r} is already an action of this stage",
            "gebeurtenis {value!r} is al een handeling van deze fase",
        ),
        "stage_unreachable": (
            "stage {value!r} can never be reached: no kind starts there and no action goes there",
            "fase {value!r} is nooit te bereiken: geen soort begint er en geen handeling gaat erheen",
        ),
        "outcome_not_in_stage": (
            "outcome {value!r} is not among this stage's outcomes ({choices})",
            "uitkomst {value!r} staat niet bij de uitkomsten van deze fase ({choices})",
        ),
        "then_without_outcome": (
            "'then' names outcome {value!r}, which is not among this action's outcomes",
            "'then' noemt uitkomst {value!r}, die niet bij de uitkomsten van deze handeling staat",
        ),
        "goes_to_and_closes": (
            "an action either goes to a stage or closes the case, not both",
            "een handeling gaat naar een fase of sluit de zaak, niet allebei",
        ),
        "anchor_is_met_by": (
            "the term's anchor {value!r} is also in its met_by: it would be met the moment it starts",
            "het begin {value!r} van de termijn staat ook in met_by: de termijn zou bij het begin al gehaald zijn",
        ),
        "letter_never_due": (
            "letter {value!r} is never due: it has no 'when' and no term, extension or refusal names it",
            "brief {value!r} is nooit nodig: hij heeft geen 'when' en geen termijn, verlenging of weigering noemt hem",
        ),
        "extension_not_longer": (
            "an extension's max_count must be at least 1",
            "het max_count van een verlenging moet minstens 1 zijn",
        ),
        "valid_until_before_from": (
            "valid_until ({until}) is before valid_from ({start})",
            "valid_until ({until}) ligt vóór valid_from ({start})",
        ),
        "retention_working_days": (
            "a retention period is counted in calendar days, weeks, months or years, not {value!r}",
            "een bewaartermijn telt in kalenderdagen, weken, maanden of jaren, niet {value!r}",
        ),
        "retention_zero": (
            "a retention period of {value!r} would remove personal data on the day the case closes; give at least "
            "a day",
            "een bewaartermijn van {value!r} zou persoonsgegevens verwijderen op de dag dat het dossier sluit; geef "
            "minstens een dag",
        ),
        "retention_documents_after_anonymise": (
            "documents are kept {documents} but the case is anonymised after {anonymise}, which deletes them too; "
            "make delete_documents_after at most anonymise_parties_after",
            "documenten worden {documents} bewaard, maar het dossier wordt na {anonymise} geanonimiseerd en dan "
            "verdwijnen ze ook; maak delete_documents_after hoogstens anonymise_parties_after",
        ),
        "termijnenwet_not_nl": (
            "holiday_set 'termijnenwet' applies to jurisdiction NL only",
            "holiday_set 'termijnenwet' geldt alleen voor jurisdictie NL",
        ),
        "id_not_filename": (
            "id {value!r} does not match the file name {filename!r}",
            "id {value!r} komt niet overeen met de bestandsnaam {filename!r}",
        ),
        "group_included_and_excluded": (
            "group {value!r} is both under accepts.complainants and accepts.excluded",
            "groep {value!r} staat zowel onder accepts.complainants als onder accepts.excluded",
        ),
        "kind_not_accepted": (
            "kind {value!r} is not accepted by this procedure",
            "soort {value!r} wordt door deze procedure niet geaccepteerd",
        ),
        # Registry
        "unknown_procedure": ("unknown procedure {value!r}{hint}", "onbekende procedure {value!r}{hint}"),
        "no_version_on": (
            "procedure {value!r} has no version valid on {day}",
            "procedure {value!r} heeft geen versie die geldt op {day}",
        ),
        "duplicate_procedure": (
            "procedure {value!r} version {version} is defined twice ({first} and {second})",
            "procedure {value!r} versie {version} staat twee keer ({first} en {second})",
        ),
        # Deciding
        "action_not_allowed": (
            "{action!r} is not allowed now; allowed: {allowed}",
            "{action!r} mag nu niet; wel toegestaan: {allowed}",
        ),
        "action_not_for_role": (
            "{action!r} is not for {roles}; it may be taken by: {by}",
            "{action!r} is niet voor {roles}; wel voor: {by}",
        ),
        "case_not_started": (
            "a case starts with 'received'",
            "een zaak begint met 'received'",
        ),
        "already_received": ("the case was already received", "de zaak is al ontvangen"),
        "complainant_excluded": (
            "not admissible: {group_en} cannot complain under this procedure; it is for {who_en} ({clauses})",
            "niet ontvankelijk: {group_nl} kunnen onder deze regeling geen klacht indienen; zij is bedoeld voor "
            "{who_nl} ({clauses})",
        ),
        "date_before_last_event": (
            "the date {day} is before the case's last event ({last})",
            "de datum {day} ligt vóór de laatste gebeurtenis van de zaak ({last})",
        ),
        "outcome_required": (
            "{action!r} needs an outcome: one of {choices}",
            "{action!r} heeft een uitkomst nodig: een van {choices}",
        ),
        "outcome_not_allowed": (
            "outcome {value!r} is not possible for {action!r}; choose one of {choices}",
            "uitkomst {value!r} is niet mogelijk bij {action!r}; kies uit {choices}",
        ),
        "extension_term_required": (
            "say which term to extend ('term') and by how much ('by')",
            "zeg welke termijn verlengd wordt ('term') en met hoeveel ('by')",
        ),
        "extension_not_allowed": (
            "term {value!r} cannot be extended",
            "termijn {value!r} kan niet worden verlengd",
        ),
        "extension_not_pending": (
            "term {value!r} is {state}; only a pending term can be extended",
            "termijn {value!r} is {state}; alleen een lopende termijn kan worden verlengd",
        ),
        "extension_count": (
            "term {value!r} may be extended at most {max_count} time(s) ({clauses})",
            "termijn {value!r} mag ten hoogste {max_count} keer worden verlengd ({clauses})",
        ),
        "extension_too_long": (
            "extending term {value!r} by {by} goes beyond the maximum of {max_total} in total "
            "(latest allowed due date {latest}) ({clauses})",
            "verlenging van termijn {value!r} met {by} gaat verder dan het maximum van {max_total} in totaal "
            "(uiterste datum {latest}) ({clauses})",
        ),
        "extension_reason_required": (
            "an extension of term {value!r} needs a reason ({clauses})",
            "een verlenging van termijn {value!r} moet worden gemotiveerd ({clauses})",
        ),
        "extension_by_role": (
            "term {value!r} may be extended by: {by}",
            "termijn {value!r} mag worden verlengd door: {by}",
        ),
        "bad_extension_duration": ("{value!r} is not a duration", "{value!r} is geen termijn"),
        "letter_not_due": ("letter {value!r} is not due", "brief {value!r} hoeft niet te worden verstuurd"),
        "content_required": (
            "{action} must contain: {value} ({clauses})",
            "{action} moet bevatten: {value} ({clauses})",
        ),
        "hearing_required": (
            "both sides must be heard before {action}; not yet recorded: {value} ({clauses})",
            "beide partijen moeten worden gehoord vóór {action}; nog niet vastgelegd: {value} ({clauses})",
        ),
        "hearing_reason_required": (
            "both sides must be heard before {action} (not yet recorded: {value}); to go ahead without it, give the "
            "reason ({clauses})",
            "beide partijen moeten worden gehoord vóór {action} (nog niet vastgelegd: {value}); geef de reden om "
            "zonder te handelen ({clauses})",
        ),
        "handler_involved": (
            "the handler must not be involved in the complaint ({clauses})",
            "de behandelaar mag niet bij de klacht betrokken zijn ({clauses})",
        ),
        "not_paused": ("the case is not paused", "de zaak is niet opgeschort"),
        "already_paused": ("the case is already paused", "de zaak is al opgeschort"),
        "nothing_to_pause": ("no pending term can be paused", "er is geen lopende termijn die kan worden opgeschort"),
        # Warnings
        "late_complaint": (
            "late complaint: the event was on {incident}, more than {limit} before receipt ({clauses})",
            "late klacht: de gebeurtenis was op {incident}, meer dan {limit} voor ontvangst ({clauses})",
        ),
        "not_admissible_time_limit": (
            "not admissible: the event was on {incident}, more than {limit} before receipt ({clauses})",
            "niet ontvankelijk: de gebeurtenis was op {incident}, meer dan {limit} voor ontvangst ({clauses})",
        ),
        "warn_term_missed": (
            "{label} was due on {due} ({clauses})",
            "{label} had uiterlijk {due} moeten gebeuren ({clauses})",
        ),
        "right_opened": (
            "term {value!r} was missed: the complainant may now go to {body}",
            "termijn {value!r} is verstreken: de klager kan nu naar {body}",
        ),
        "external_filed_late": (
            "filed with {body} on {filed}, after the complainant's time limit: {limit}, which ended on {due}."
            "{consequence} ({clauses})",
            "ingediend bij {body} op {filed}, na de termijn van de klager: {limit}, die eindigde op {due}."
            "{consequence} ({clauses})",
        ),
        "external_body_not_available": (
            "{body} is not open to this complainant: {when} Record the fact that makes it so first ({clauses})",
            "{body} staat niet open voor deze klager: {when} Leg eerst vast wat dat mogelijk maakt ({clauses})",
        ),
        "complainant_group_unknown": (
            "complainant group {value!r} is not one this procedure names; it is for {who_en}",
            "groep {value!r} van de klager staat niet in deze regeling; zij is bedoeld voor {who_nl}",
        ),
        "kind_unknown_in_case": (
            "the case's kind {value!r} is not accepted by this procedure",
            "de soort {value!r} van de zaak wordt door deze procedure niet geaccepteerd",
        ),
        # Planning
        "unknown_plan_event": ("unknown event {value!r}{hint}", "onbekende gebeurtenis {value!r}{hint}"),
        "bad_date": ("{value!r} is not a date (YYYY-MM-DD)", "{value!r} is geen datum (JJJJ-MM-DD)"),
        "bad_at": ("{value!r} is not EVENT=YYYY-MM-DD", "{value!r} is geen GEBEURTENIS=JJJJ-MM-DD"),
        "plan_date_before_received": (
            "{value!r} is on {day}, before the complaint was received ({received})",
            "{value!r} valt op {day}, vóór de ontvangst van de klacht ({received})",
        ),
    }
)


_MONTHS: Final = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
}
#: A duration's unit (`DurationUnit` values) in words: (singular, plural) per language.
_UNITS: Final[Mapping[str, Mapping[str, tuple[str, str]]]] = MappingProxyType(
    {
        "calendar_days": {"en": ("day", "days"), "nl": ("dag", "dagen")},
        "working_days": {"en": ("working day", "working days"), "nl": ("werkdag", "werkdagen")},
        "weeks": {"en": ("week", "weeks"), "nl": ("week", "weken")},
        "months": {"en": ("month", "months"), "nl": ("maand", "maanden")},
        "years": {"en": ("year", "years"), "nl": ("jaar", "jaar")},
    }
)


class _DurationLike(Protocol):
    amount: int
    unit: str


class Words(str):
    """A word or phrase in both languages, for a message parameter (a term's label, "none"). It is its English
    text (so it compares and prints as before) and knows its Dutch."""

    nl: str

    def __new__(cls, en: str, nl: str) -> Words:
        words = super().__new__(cls, en)
        words.nl = nl
        return words

    def get(self, lang: str) -> str:
        return self.nl if lang == "nl" else str(self)


NONE: Final = Words("none", "geen")
NOBODY: Final = Words("nobody", "niemand")


def day_text(day: date, lang: str = "en") -> str:
    """A day as a person reads it: "22 April 2025", "22 april 2025"."""
    return f"{day.day} {_MONTHS['nl' if lang == 'nl' else 'en'][day.month - 1]} {day.year}"


def duration_text(duration: _DurationLike, lang: str = "en") -> str:
    """A duration as a person reads it: "4 weeks", "4 weken", "10 werkdagen"."""
    singular, plural = _UNITS[str(duration.unit)]["nl" if lang == "nl" else "en"]
    return f"{duration.amount} {singular if duration.amount == 1 else plural}"


def localised(value: object, lang: str = "en") -> object:
    """A message parameter in `lang`: a day and a duration in words, `Words` in that language; else as it is."""
    if isinstance(value, date):
        return day_text(value, lang)
    if isinstance(value, Words):
        return value.get(lang)
    if hasattr(value, "amount") and hasattr(value, "unit") and str(getattr(value, "unit", "")) in _UNITS:
        return duration_text(value, lang)
    return value


def template(code: str, lang: str = "en") -> str:
    en, nl = _CATALOGUE[code]
    return nl if lang == "nl" else en


def codes() -> frozenset[str]:
    return frozenset(_CATALOGUE)


@dataclass(frozen=True)
class Message:
    """A sentence for a person: a catalogue code and the values to fill in."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in _CATALOGUE:
            raise KeyError(f"No message {self.code!r} in the engine's catalogue.")
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def text(self, lang: str = "en") -> str:
        """The sentence in `lang`; days, durations and `Words` among the parameters read in that language."""
        params = {name: localised(value, lang) for name, value in self.params.items()}
        suggestion = params.pop("suggestion", None)
        hint = ""
        if suggestion:
            hint = f"; did you mean {suggestion!r}?" if lang == "en" else f"; bedoelt u {suggestion!r}?"
        text = template(self.code, lang)
        if "clauses" in params and not params["clauses"]:
            text = text.replace(" ({clauses})", "")  # a rule that cites no clause: no empty brackets
        return text.format(hint=hint, **params)

    def __str__(self) -> str:
        return self.text("en")


def closest(value: object, choices: Iterable[str]) -> str | None:
    """The closest match for a misspelt word among `choices`, if one is close enough."""
    if not isinstance(value, str):
        return None
    close = difflib.get_close_matches(value, sorted(choices), n=1, cutoff=0.6)
    return close[0] if close else None
