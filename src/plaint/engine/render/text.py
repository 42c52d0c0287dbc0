"""The fixed words and sentences of the rendered procedure, in English and Dutch, and small text helpers.

Everything a reader sees that does not come from the procedure file itself is in `CATALOGUE`: one key, an English and
a Dutch template. Templates use `str.format` fields. Keep both languages complete: the tests compare them.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Final

from plaint.engine.calendar import Duration, DurationUnit
from plaint.engine.definition import Text
from plaint.engine.messages import Lang

LANGS: Final = ("en", "nl")

_PHRASES: dict[str, tuple[str, str]] = {
    # The diagram
    "diagram_desc": (
        "Flow chart of {title}. {count} stages, from top to bottom: {stages}.",
        "Stroomschema van {title}. {count} fasen, van boven naar beneden: {stages}.",
    ),
    "diagram_desc_stage": ("{number}. {label}, handled by {roles}", "{number}. {label}, behandeld door {roles}"),
    "diagram_desc_moves": ("Moves between stages: {moves}.", "Overgangen tussen fasen: {moves}."),
    "diagram_desc_move": ("from “{source}” to “{target}”: {label}", "van “{source}” naar “{target}”: {label}"),
    "diagram_desc_terms": ("Terms: {terms}.", "Termijnen: {terms}."),
    "handled_by": ("Handled by: {roles}", "Behandeld door: {roles}"),
    "independent_short": ("Never handled by someone involved", "Nooit door iemand die betrokken is"),
    "starts_here": ("Starts here: {kinds}", "Begint hier: {kinds}"),
    "term_line": ("Term: {label}, within {duration} of {since}", "Termijn: {label}, binnen {duration} na {since}"),
    "closes_line": ("Case closes: {what}", "Dossier sluit: {what}"),
    "final_line": ("Its decision is final", "De beslissing is definitief"),
    "anywhere_title": ("At any stage while the case is open", "In elke fase zolang het dossier open is"),
    "after_closing": ("{label} (after closing)", "{label} (na afsluiting)"),
    "if_outcome": ("{label}, if {outcome}", "{label}, als {outcome}"),
    "goes_to_stage": ("{label}: to “{target}”", "{label}: naar “{target}”"),
    "closes_case": ("{label}: the case closes", "{label}: het dossier sluit"),
    "list_and": ("{items} and {last}", "{items} en {last}"),
    "list_or": ("{items} or {last}", "{items} of {last}"),
    # The policy text: headings
    "h_who": ("Who may complain", "Wie kan een klacht indienen"),
    "h_how": ("How to complain", "Hoe dient u een klacht in"),
    "h_stages": ("What happens to your complaint", "Wat er met uw klacht gebeurt"),
    "h_people": ("Who handles your complaint", "Wie uw klacht behandelt"),
    "h_terms": ("Our time limits", "Onze termijnen"),
    "h_letters": ("What we send you", "Wat wij u sturen"),
    "h_not_satisfied": ("If you are not satisfied", "Als u niet tevreden bent"),
    "h_external": ("Independent bodies outside {publisher}", "Onafhankelijke instanties buiten {publisher}"),
    "h_confidentiality": ("Confidentiality and our commitments", "Vertrouwelijkheid en onze toezeggingen"),
    "h_commitments": ("Our commitments", "Onze toezeggingen"),
    "h_learning": ("How we learn from complaints", "Hoe wij leren van klachten"),
    "h_about": ("About this text", "Over deze tekst"),
    "h_representatives": ("Complaining on someone else's behalf", "Namens iemand anders klagen"),
    # The policy text: sentences
    "intro": (
        "This page explains how {publisher} handles complaints: who may complain, how, what happens next, the "
        "time limits we keep to and where you can go if you are not satisfied.",
        "Op deze pagina leest u hoe {publisher} klachten behandelt: wie een klacht kan indienen, hoe, wat er daarna "
        "gebeurt, welke termijnen wij aanhouden en waar u terechtkunt als u niet tevreden bent.",
    ),
    "kinds_accepted": ("You can send us: {kinds}.", "U kunt ons sturen: {kinds}."),
    "definition": ("What we count as a {kind}: {text}", "Wat wij als {kind} zien: {text}"),
    "complainants": ("These people may complain:", "Deze mensen kunnen een klacht indienen:"),
    "complainants_anyone": (
        "The procedure does not limit who may complain.",
        "De regeling beperkt niet wie een klacht kan indienen.",
    ),
    "excluded": ("This procedure is not for:", "Deze regeling is niet bedoeld voor:"),
    "time_limit_incident": (
        "Please complain within {duration} of the event your complaint is about.",
        "Dien uw klacht in binnen {duration} na de gebeurtenis waarover de klacht gaat.",
    ),
    "time_limit_awareness": (
        "Please complain within {duration} of when you learnt of the event your complaint is about.",
        "Dien uw klacht in binnen {duration} nadat u hoorde van de gebeurtenis waarover de klacht gaat.",
    ),
    "time_limit_refuse": (
        "A complaint made later than that cannot be taken into handling.",
        "Een klacht die later komt, kunnen wij niet in behandeling nemen.",
    ),
    "time_limit_warn": (
        "A complaint made later is still looked at, but it is marked as late.",
        "Een latere klacht bekijken wij toch, maar zij wordt als laat aangemerkt.",
    ),
    "refusal": (
        "If we do not take your complaint into handling, we tell you so in writing, with our reasons.",
        "Als wij uw klacht niet in behandeling nemen, laten wij u dat schriftelijk weten, met onze redenen.",
    ),
    "representatives_allowed": (
        "Someone else may complain on your behalf.",
        "Iemand anders kan namens u een klacht indienen.",
    ),
    "representatives_not_allowed": (
        "A complaint must come from the person concerned; no one can complain on their behalf.",
        "Een klacht moet komen van de persoon zelf; niemand kan namens hem of haar klagen.",
    ),
    "representatives_who": ("For example:", "Bijvoorbeeld:"),
    "consent_none": ("They need no separate permission.", "Daarvoor is geen aparte toestemming nodig."),
    "consent_authorisation": (
        "They need your permission to act for you.",
        "Daarvoor is uw toestemming nodig.",
    ),
    "consent_written_consent": (
        "They need your written consent: we release nothing about you to anyone else without it.",
        "Daarvoor is uw schriftelijke toestemming nodig: zonder die toestemming geven wij niets over u aan een ander.",
    ),
    "relatives_allowed": (
        "After someone has died, a surviving relative may complain on their behalf.",
        "Na een overlijden kan een nabestaande namens de overledene een klacht indienen.",
    ),
    "channels": ("You can make your complaint:", "U kunt uw klacht indienen:"),
    "channels_none": (
        "Contact us in the way that suits you best.",
        "Neem contact met ons op op de manier die u het beste uitkomt.",
    ),
    "stages_intro": (
        "Your complaint goes through these stages, in this order.",
        "Uw klacht doorloopt deze fasen, in deze volgorde.",
    ),
    "stage_handled_by": ("Handled by: {roles}.", "Behandeld door: {roles}."),
    "stage_independent": (
        "The person handling your complaint is never someone involved in it.",
        "Wie uw klacht behandelt, is nooit iemand die erbij betrokken is.",
    ),
    "stage_rule": ("{conditions}: {assignee}.", "{conditions}: {assignee}."),
    "stage_starts": ("A {kinds} starts in this stage.", "Een {kinds} begint in deze fase."),
    "stage_outcomes": ("Possible outcomes: {outcomes}.", "Mogelijke uitkomsten: {outcomes}."),
    "stage_next": ("What can happen next:", "Wat er daarna kan gebeuren:"),
    "stage_final": (
        "The decision in this stage is final: there is no further appeal within {publisher}.",
        "De beslissing in deze fase is definitief: binnen {publisher} is er geen verdere beroepsmogelijkheid.",
    ),
    "stage_external_body": ("This stage takes place at {body}.", "Deze fase speelt zich af bij {body}."),
    "anywhere": ("At any stage while your complaint is open:", "In elke fase zolang uw klacht open is:"),
    "people_intro": (
        "These people take part in handling complaints:",
        "Deze mensen werken mee aan de klachtbehandeling:",
    ),
    "terms_intro": ("We keep to these time limits.", "Wij houden ons aan deze termijnen."),
    "terms_none": ("This procedure sets no fixed time limits.", "Deze regeling noemt geen vaste termijnen."),
    "term_sentence": ("{who} within {duration} of {since}.", "{who} binnen {duration} na {since}."),
    "term_latest": (
        "If this happens more than once, we count from the most recent time.",
        "Gebeurt dit vaker, dan tellen wij vanaf de laatste keer.",
    ),
    "term_only_if": ("This applies {conditions}.", "Dit geldt {conditions}."),
    "cond_happened": ("only after {events}", "alleen na {events}"),
    "cond_not_happened": (
        "only as long as {events} has not happened",
        "alleen zolang {events} niet heeft plaatsgevonden",
    ),
    "cond_kinds": ("only to a {kinds}", "alleen voor een {kinds}"),
    "cond_outcome": ("only if the outcome was {outcomes}", "alleen als de uitkomst {outcomes} was"),
    "cond_only": ("only {condition}", "alleen {condition}"),
    "cond_channel": ("if the complaint was made {channel}", "als de klacht {channel} is ingediend"),
    "cond_subject_role": ("if the complaint is about the {role}", "als de klacht over de {role} gaat"),
    "cond_involved": ("if the {role} was involved", "als de {role} erbij betrokken was"),
    "cond_nature": ("if the complaint is (partly) {value}", "als de klacht (deels) {value} is"),
    "cond_category": ("if the complaint is in the category {value}", "als de klacht in de categorie {value} valt"),
    "cond_kind": ("for a {kind}", "voor een {kind}"),
    "term_target": (
        "This is a target: if we need longer, we tell you why.",
        "Dit is een streeftermijn: als wij meer tijd nodig hebben, laten wij u weten waarom.",
    ),
    "term_paused": (
        "This time limit stops running while we wait for something from you.",
        "Deze termijn staat stil zolang wij op iets van u wachten.",
    ),
    "extension": (
        "We can extend this time limit by at most {duration} in total.",
        "Wij kunnen deze termijn met ten hoogste {duration} in totaal verlengen.",
    ),
    "extension_once": ("We can do this once.", "Dat kan één keer."),
    "extension_times": ("We can do this at most {count} times.", "Dat kan ten hoogste {count} keer."),
    "extension_reasons": ("We give our reasons.", "Wij geven daarvoor onze redenen."),
    "extension_notify": ("We tell you the new date.", "Wij laten u de nieuwe datum weten."),
    "missed_letter": (
        "If we miss it, we write to you to explain why.",
        "Halen wij de termijn niet, dan schrijven wij u waarom.",
    ),
    "missed_opens": (
        "If we miss it, you may go straight to {body}.",
        "Halen wij de termijn niet, dan kunt u direct naar {body}.",
    ),
    "letters_intro": ("You receive from us:", "U ontvangt van ons:"),
    "letter_oral": ("{label} (in writing or by word of mouth)", "{label} (schriftelijk of mondeling)"),
    "not_satisfied_intro": (
        "If you are not satisfied with how your complaint was handled, you have these options.",
        "Als u niet tevreden bent over de behandeling van uw klacht, hebt u deze mogelijkheden.",
    ),
    "not_satisfied_none": (
        "This procedure names no further step; you can always ask us to explain our decision.",
        "Deze regeling noemt geen verdere stap; u kunt ons altijd vragen onze beslissing toe te lichten.",
    ),
    "escalation": (
        "{label}: your complaint goes to “{target}” ({roles}).",
        "{label}: uw klacht gaat naar “{target}” ({roles}).",
    ),
    "escalation_body": ("{label}: your complaint goes to {body}.", "{label}: uw klacht gaat naar {body}."),
    "external_intro": (
        "You can also take your complaint to an independent body.",
        "U kunt uw klacht ook voorleggen aan een onafhankelijke instantie.",
    ),
    "external_when": ("Who can go there: {text}", "Wie daar terechtkan: {text}"),
    "external_limit": (
        "Contact it within {duration} of {since}.",
        "Neem contact op binnen {duration} na {since}.",
    ),
    "external_binding": ("Its decision is binding.", "De uitspraak is bindend."),
    "external_not_binding": (
        "Its decision is advice; it does not bind.",
        "De uitspraak is een advies; zij is niet bindend.",
    ),
    "external_contact": ("Contact details:", "Contactgegevens:"),
    "external_no_contact": (
        "Ask us for its contact details; we give them to you.",
        "Vraag ons naar de contactgegevens; wij geven ze u.",
    ),
    "contact_attention": ("Attention of: {value}", "Ter attentie van: {value}"),
    "contact_address": ("Address: {value}", "Adres: {value}"),
    "contact_email": ("Email: {value}", "E-mail: {value}"),
    "contact_phone": ("Phone: {value}", "Telefoon: {value}"),
    "contact_website": ("Website: {value}", "Website: {value}"),
    "internal_first": ("First: {text}", "Eerst: {text}"),
    "confidential": (
        "We treat your complaint confidentially, as we promise here:",
        "Wij behandelen uw klacht vertrouwelijk, zoals wij hier toezeggen:",
    ),
    "commitments_intro": ("We make these commitments:", "Wij doen deze toezeggingen:"),
    "contact_us": ("You can reach {publisher} here:", "U bereikt {publisher} hier:"),
    "report": ("{label}: {period}, for {to}.", "{label}: {period}, voor {to}."),
    "report_contents": ("It covers: {contents}.", "Daarin staan: {contents}."),
    "report_anonymised": ("{label}: {period}, anonymised, for {to}.", "{label}: {period}, geanonimiseerd, voor {to}."),
    "about": (
        "This text is generated by Plaint from version {version} of the procedure, in force from {valid_from}. It "
        "follows the document “{document}” by {publisher}.",
        "Deze tekst is door Plaint gemaakt uit versie {version} van de regeling, geldig vanaf {valid_from}. Zij volgt "
        "het document “{document}” van {publisher}.",
    ),
    "about_until": ("This version applies until {valid_until}.", "Deze versie geldt tot en met {valid_until}."),
    "the_external_body": ("the independent body", "de onafhankelijke instantie"),
    "party_subject": (
        "The person or team your complaint is about responds",
        "Degene over wie uw klacht gaat, reageert",
    ),
    "party_complainant": ("You respond", "U reageert"),
    "party_external_body": ("{body} decides", "{body} beslist"),
}

# Words: channels, kinds, outcomes, recipients, periods, units, numbers.
_WORDS: dict[str, tuple[str, str]] = {
    "channel.in_writing": ("in writing", "schriftelijk"),
    "channel.oral": ("by word of mouth", "mondeling"),
    "channel.in_person": ("in person", "persoonlijk"),
    "channel.phone": ("by phone", "telefonisch"),
    "channel.email": ("by email", "per e-mail"),
    "channel.web_form": ("with the form on our website", "met het formulier op onze website"),
    "channel.complaint_form": ("with the complaint form", "met het klachtenformulier"),
    "channel.letter": ("by letter", "per brief"),
    "kind.complaint": ("complaint", "klacht"),
    "kind.compliment": ("compliment", "compliment"),
    "kind.suggestion": ("suggestion", "suggestie"),
    "outcome.admissible": ("admissible", "ontvankelijk"),
    "outcome.not_admissible": ("not admissible", "niet-ontvankelijk"),
    "outcome.resolved": ("resolved", "opgelost"),
    "outcome.unresolved": ("not resolved", "niet opgelost"),
    "outcome.agreement": ("agreement reached", "afspraak gemaakt"),
    "outcome.well_founded": ("well-founded", "gegrond"),
    "outcome.partly_well_founded": ("partly well-founded", "deels gegrond"),
    "outcome.unfounded": ("unfounded", "ongegrond"),
    "outcome.upheld": ("decision upheld", "beslissing gehandhaafd"),
    "outcome.changed": ("decision changed", "beslissing gewijzigd"),
    "outcome.withdrawn": ("withdrawn", "ingetrokken"),
    "outcome.no_longer_needed": ("no longer needed", "niet meer nodig"),
    "outcome.noted": ("noted", "genoteerd"),
    "months": (
        "January|February|March|April|May|June|July|August|September|October|November|December",
        "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december",
    ),
    "content.count": ("the number of complaints", "het aantal klachten"),
    "content.kind": ("their kind", "de soort"),
    "content.category": ("their category", "de categorie"),
    "content.subject": ("what they are about", "waar zij over gaan"),
    "content.cause": ("their causes", "de oorzaken"),
    "content.outcome": ("their outcomes", "de uitkomsten"),
    "content.handling_time": ("the handling time", "de afhandelingstermijn"),
    "content.terms_missed": ("time limits missed", "gemiste termijnen"),
    "content.measures": ("the measures taken", "de genomen maatregelen"),
    "content.recommendations": ("recommendations", "aanbevelingen"),
    "period.month": ("every month", "elke maand"),
    "period.quarter": ("every quarter", "elk kwartaal"),
    "period.year": ("every year", "elk jaar"),
    "recipient.complainant": ("you", "u"),
    "recipient.subject": ("the person complained about", "degene over wie geklaagd is"),
    "recipient.external_body": ("the independent body", "de onafhankelijke instantie"),
    "recipient.organisation": ("the organisation", "de organisatie"),
    "recipient.everyone_involved": ("everyone involved", "alle betrokkenen"),
    "recipient.commissioning_party": ("the commissioning party", "de opdrachtgever"),
    "recipient.employees": ("the employees", "de medewerkers"),
    "recipient.management_review": ("the management review", "de directiebeoordeling"),
    "unit.calendar_days": ("day|days", "dag|dagen"),
    "unit.working_days": ("working day|working days", "werkdag|werkdagen"),
    "unit.weeks": ("week|weeks", "week|weken"),
    "unit.months": ("month|months", "maand|maanden"),
    "unit.years": ("year|years", "jaar|jaar"),
    "number": (
        "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
        "seventeen|eighteen|nineteen|twenty",
        "nul|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf|dertien|veertien|vijftien|zestien|"
        "zeventien|achttien|negentien|twintig",
    ),
}

# Events: a short label (an arrow, a list item), what "since" it a term counts (after "within 2 weeks of" / "binnen
# 2 weken na"), and who does it, as the start of a sentence (a term met by the event).
_EVENTS: dict[str, tuple[tuple[str, str], tuple[str, str], tuple[str, str]]] = {
    "received": (
        ("Complaint received", "Klacht ontvangen"),
        ("receiving your complaint", "ontvangst van uw klacht"),
        ("We receive your complaint", "Wij ontvangen uw klacht"),
    ),
    "acknowledged": (
        ("Acknowledge receipt", "Ontvangst bevestigen"),
        ("our acknowledgement", "onze ontvangstbevestiging"),
        ("We confirm that we received your complaint", "Wij bevestigen dat wij uw klacht hebben ontvangen"),
    ),
    "admissibility_decided": (
        ("Decide on admissibility", "Beslissen over ontvankelijkheid"),
        ("the decision on admissibility", "de beslissing over de ontvankelijkheid"),
        (
            "We tell you whether we take your complaint into handling",
            "Wij laten u weten of wij uw klacht in behandeling nemen",
        ),
    ),
    "handler_assigned": (
        ("Assign a handler", "Behandelaar toewijzen"),
        ("the assignment of a handler", "de toewijzing van een behandelaar"),
        ("We assign a handler to your complaint", "Wij wijzen een behandelaar aan voor uw klacht"),
    ),
    "handling_started": (
        ("Take into handling", "In behandeling nemen"),
        ("the start of the handling", "het begin van de behandeling"),
        ("We take your complaint into handling", "Wij nemen uw klacht in behandeling"),
    ),
    "response_requested": (
        ("Ask for a response", "Om een reactie vragen"),
        ("the request for a response", "het verzoek om een reactie"),
        (
            "We ask the person your complaint is about to respond",
            "Wij vragen degene over wie uw klacht gaat om een reactie",
        ),
    ),
    "subject_responded": (
        ("Response of the person complained about", "Reactie van de beklaagde"),
        ("the response of the person complained about", "de reactie van de beklaagde"),
        ("The person or team your complaint is about responds", "Degene over wie uw klacht gaat, reageert"),
    ),
    "complainant_heard": (
        ("Hear the complainant", "Klager horen"),
        ("the conversation with you", "het gesprek met u"),
        ("We talk with you about your complaint", "Wij spreken met u over uw klacht"),
    ),
    "meeting_offered": (
        ("Offer a meeting", "Gesprek aanbieden"),
        ("our offer of a meeting", "ons aanbod van een gesprek"),
        ("We offer you a meeting", "Wij bieden u een gesprek aan"),
    ),
    "meeting_declined": (
        ("Meeting declined", "Gesprek afgewezen"),
        ("declining the meeting", "het afzien van een gesprek"),
        ("You let us know you do not want a meeting", "U laat weten dat u geen gesprek wilt"),
    ),
    "meeting_planned": (
        ("Plan a meeting", "Gesprek plannen"),
        ("planning the meeting", "het plannen van het gesprek"),
        ("We plan a meeting with you", "Wij plannen een gesprek met u"),
    ),
    "meeting_held": (
        ("Meeting held", "Gesprek gevoerd"),
        ("the meeting", "het gesprek"),
        ("We meet with you", "Wij voeren een gesprek met u"),
    ),
    "report_shared": (
        ("Share the report", "Verslag delen"),
        ("sharing the report", "het delen van het verslag"),
        (
            "We send you a written report of what took place",
            "Wij sturen u een schriftelijk verslag van wat er besproken is",
        ),
    ),
    "informal_resolved": (
        ("Resolved informally", "Informeel opgelost"),
        ("the informal resolution", "de informele oplossing"),
        ("We resolve your complaint informally", "Wij lossen uw klacht informeel op"),
    ),
    "formal_requested": (
        ("Ask for the formal procedure", "Formele behandeling vragen"),
        ("your request for formal handling", "uw verzoek om formele behandeling"),
        ("You ask for your complaint to be handled formally", "U vraagt om formele behandeling van uw klacht"),
    ),
    "mediation_started": (
        ("Start mediation", "Bemiddeling starten"),
        ("the start of mediation", "het begin van de bemiddeling"),
        ("We start mediation", "Wij starten de bemiddeling"),
    ),
    "mediation_ended": (
        ("End mediation", "Bemiddeling beëindigen"),
        ("the end of mediation", "het einde van de bemiddeling"),
        ("We end the mediation", "Wij beëindigen de bemiddeling"),
    ),
    "decided": (
        ("Decide", "Beslissen"),
        ("our decision", "onze beslissing"),
        ("We give you our decision on your complaint", "Wij geven u onze beslissing over uw klacht"),
    ),
    "agreement_recorded": (
        ("Record the agreement", "Afspraak vastleggen"),
        ("the agreement", "de afspraak"),
        ("We confirm the agreed solution to you", "Wij bevestigen u de afgesproken oplossing"),
    ),
    "measure_recorded": (
        ("Record a measure", "Maatregel vastleggen"),
        ("the decision on measures", "de beslissing over maatregelen"),
        ("We tell you which measures we take", "Wij laten u weten welke maatregelen wij nemen"),
    ),
    "measure_completed": (
        ("Measure completed", "Maatregel uitgevoerd"),
        ("completing the measure", "het uitvoeren van de maatregel"),
        ("We carry out the measure", "Wij voeren de maatregel uit"),
    ),
    "term_extended": (
        ("Extend the term", "Termijn verlengen"),
        ("the extension", "de verlenging"),
        ("We extend the time limit", "Wij verlengen de termijn"),
    ),
    "delay_explained": (
        ("Explain the delay", "Vertraging toelichten"),
        ("our explanation of the delay", "onze toelichting op de vertraging"),
        ("We explain to you why it takes longer", "Wij leggen u uit waarom het langer duurt"),
    ),
    "review_requested": (
        ("Ask for a review", "Om heroverweging vragen"),
        ("receiving your request for a review", "ontvangst van uw verzoek om heroverweging"),
        ("You ask for a review", "U vraagt om heroverweging"),
    ),
    "review_decided": (
        ("Decide on the review", "Beslissen over de heroverweging"),
        ("the review decision", "de beslissing over de heroverweging"),
        ("We give you our final position, with reasons", "Wij geven u ons definitieve standpunt, met redenen"),
    ),
    "escalated": (
        ("Escalate", "Doorzetten"),
        ("passing your complaint on", "het doorzetten van uw klacht"),
        ("We pass your complaint on", "Wij zetten uw klacht door"),
    ),
    "internal_closed": (
        ("Internal handling closed", "Interne behandeling afgesloten"),
        ("the end of the internal handling", "het einde van de interne behandeling"),
        ("We close the internal handling", "Wij sluiten de interne behandeling af"),
    ),
    "external_filed": (
        ("Filed with the independent body", "Ingediend bij de onafhankelijke instantie"),
        (
            "filing your complaint with the independent body",
            "het indienen van uw klacht bij de onafhankelijke instantie",
        ),
        ("You file your complaint with the independent body", "U dient uw klacht in bij de onafhankelijke instantie"),
    ),
    "external_admissibility_decided": (
        ("Admissibility decided by the independent body", "Ontvankelijkheid beslist door de onafhankelijke instantie"),
        ("its decision on admissibility", "de beslissing over de ontvankelijkheid"),
        (
            "The independent body decides whether your complaint is admissible",
            "De onafhankelijke instantie beslist of uw klacht ontvankelijk is",
        ),
    ),
    "external_hearing_held": (
        ("Hearing held", "Zitting gehouden"),
        ("the hearing", "de zitting"),
        ("The independent body holds a hearing", "De onafhankelijke instantie houdt een zitting"),
    ),
    "external_decided": (
        ("Decision of the independent body", "Uitspraak van de onafhankelijke instantie"),
        ("the decision of the independent body", "de uitspraak van de onafhankelijke instantie"),
        ("The independent body gives its decision", "De onafhankelijke instantie doet uitspraak"),
    ),
    "withdrawn": (
        ("Withdraw the complaint", "Klacht intrekken"),
        ("the withdrawal", "de intrekking"),
        ("You withdraw your complaint", "U trekt uw klacht in"),
    ),
    "closed": (
        ("Close", "Afsluiten"),
        ("closing the case", "het afsluiten van het dossier"),
        ("We close the case", "Wij sluiten het dossier af"),
    ),
    "reopened": (
        ("Reopen", "Heropenen"),
        ("reopening the case", "het heropenen van het dossier"),
        ("We reopen the case", "Wij heropenen het dossier"),
    ),
    "paused": (
        ("Pause", "Pauzeren"),
        ("the pause", "de pauze"),
        ("We pause the handling", "Wij zetten de behandeling stil"),
    ),
    "resumed": (
        ("Resume", "Hervatten"),
        ("resuming the handling", "het hervatten van de behandeling"),
        ("We resume the handling", "Wij hervatten de behandeling"),
    ),
    "letter_sent": (
        ("Letter sent", "Brief verstuurd"),
        ("sending the letter", "het versturen van de brief"),
        ("We send you a letter", "Wij sturen u een brief"),
    ),
    "incident": (
        ("The event", "De gebeurtenis"),
        ("the event your complaint is about", "de gebeurtenis waarover uw klacht gaat"),
        ("The event happens", "De gebeurtenis vindt plaats"),
    ),
    "awareness": (
        ("Becoming aware", "Bekend worden"),
        ("when you learnt of the event", "het moment waarop u van de gebeurtenis hoorde"),
        ("You learn of the event", "U hoort van de gebeurtenis"),
    ),
}


def _catalogue() -> Mapping[str, tuple[str, str]]:
    entries = dict(_PHRASES) | dict(_WORDS)
    for event, (label, since, done) in _EVENTS.items():
        entries[f"event.{event}.label"] = label
        entries[f"event.{event}.since"] = since
        entries[f"event.{event}.done"] = done
    return MappingProxyType(entries)


#: Every fixed text of the rendered procedure: key → (English, Dutch).
CATALOGUE: Final[Mapping[str, tuple[str, str]]] = _catalogue()


def check_lang(lang: str) -> Lang:
    """`lang` as a `Lang`; anything but en or nl is a ValueError naming both."""
    if lang == "en":
        return "en"
    if lang == "nl":
        return "nl"
    raise ValueError(f"Unsupported language {lang!r}: choose en or nl.")


def t(key: str, lang: Lang, **params: object) -> str:
    """The catalogue text `key` in `lang`, with `params` filled in."""
    english, dutch = CATALOGUE[key]
    template = dutch if lang == "nl" else english
    return template.format(**params) if params else template


def tx(text: Text | None, lang: Lang) -> str:
    """A procedure file's text in `lang`, on one line."""
    return " ".join(text.get(lang).split()) if text is not None else ""


def number_words(amount: int, lang: Lang) -> str:
    """Small numbers in words (one to twenty), larger ones in digits."""
    words = t("number", lang).split("|")
    return words[amount] if 0 < amount < len(words) else str(amount)


def duration_words(duration: Duration, lang: Lang) -> str:
    """A duration in plain words: "five working days", "vijf werkdagen", "6 months" → "six months"."""
    singular, plural = t(f"unit.{DurationUnit(duration.unit).value}", lang).split("|")
    return f"{number_words(duration.amount, lang)} {singular if duration.amount == 1 else plural}"


def date_words(day: date, lang: Lang) -> str:
    """ "1 February 2022" / "1 februari 2022"."""
    return f"{day.day} {t('months', lang).split('|')[day.month - 1]} {day.year}"


def join_words(items: list[str], lang: Lang, *, conjunction: str = "and") -> str:
    """ "a, b and c" / "a, b en c"."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return t(f"list_{conjunction}", lang, items=", ".join(items[:-1]), last=items[-1])


def lower_first(text: str) -> str:
    """The first letter in lower case, to use a label inside a sentence; not for an abbreviation ('MD', 'UWV')."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """Text without characters XML 1.0 cannot hold, on one line."""
    return " ".join(_NOT_XML.sub("", text).split())


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` characters; a longer word is split."""
    return textwrap.wrap(clean(text), width=width, break_long_words=True, break_on_hyphens=True) or [""]
