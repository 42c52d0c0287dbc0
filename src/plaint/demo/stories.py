"""The demo cases' contents: what each complaint is about, who complains, the notes staff write. All fictional.

Complaints are in the organisation's language (Dutch for the Dutch organisations, English for the British ones);
`subject` names the role of the demo person the complaint is about, or "unit" for the organisation's first unit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Story:
    summary: str
    description: str
    channel: str = "in_writing"
    subject: str | None = None  # a role whose demo person the case is about, or "unit" (the first unit)
    nature: str = ""


STORIES: dict[str, list[Story]] = {
    "xs2more": [
        Story(
            "Afspraak met consulent drie keer verzet",
            "Mijn afspraak voor het bemiddelingsgesprek is drie keer op het laatste moment verzet. Ik heb daardoor "
            "twee keer vrij genomen bij mijn huidige werkgever. Niemand heeft mij uitgelegd waarom.",
            "phone",
            "handler",
        ),
        Story(
            "Onjuist advies over proeftijd",
            "De consulent vertelde dat mijn proeftijd bij de nieuwe werkgever twee maanden zou zijn, het bleek een "
            "maand. Ik ben na vijf weken ontslagen zonder dat ik dat had zien aankomen.",
            "complaint_form",
            "handler",
        ),
        Story(
            "Onvriendelijke bejegening aan de balie",
            "Bij het inleveren van mijn urenbriefje werd ik voor de ogen van andere kandidaten toegesproken alsof ik "
            "een kind was. Ik wil dat dit besproken wordt.",
            "oral",
            "intake_staff",
        ),
        Story(
            "Salaris te laat en niet compleet uitbetaald",
            "Als aangesloten werknemer ontving ik mijn loon over maart twee weken te laat en zonder de toeslag voor "
            "avonduren. Op mijn e-mails is niet gereageerd.",
            "web_form",
            "unit",
        ),
        Story(
            "Kandidaten voorgesteld zonder toestemming",
            "Als werkgever kregen wij cv's van kandidaten die zelf niet wisten dat ze waren voorgesteld. Dat past niet "
            "bij de afspraken in onze raamovereenkomst.",
            "in_writing",
            "unit",
        ),
    ],
    "werkpro": [
        Story(
            "Jobcoach kwam afspraken niet na",
            "Mijn jobcoach zou elke week langskomen op de werkplek in de kringloopwinkel, maar ik heb hem in zes "
            "weken één keer gezien. Mijn re-integratieplan ligt daardoor stil.",
            "in_writing",
            "handler",
        ),
        Story(
            "Ruzie over werktijden op de werkvloer",
            "Ik werk als deelnemer in het werkbedrijf en moest zonder overleg op zaterdag komen werken. Toen ik zei "
            "dat ik op zaterdag voor mijn moeder zorg, werd ik uitgelachen.",
            "oral",
            "handler",
        ),
        Story(
            "Privégegevens doorgegeven aan opdrachtgever",
            "In het verslag voor het UWV stond informatie over mijn gezondheid die ik alleen in vertrouwen aan mijn "
            "begeleider had verteld. Ik heb daar nooit toestemming voor gegeven.",
            "complaint_form",
            "handler",
        ),
        Story(
            "Bejegening bij de receptie",
            "Ik kwam mij melden voor mijn eerste werkdag en werd bij de receptie weggestuurd omdat mijn naam niet op "
            "de lijst stond. Niemand heeft gebeld om het uit te zoeken.",
            "oral",
            "intake_staff",
        ),
    ],
    "welzijn-de-linde": [
        Story(
            "Hulpvraag blijft liggen",
            "Ik heb in januari hulp gevraagd bij mijn schulden. Na het intakegesprek heb ik niets meer gehoord, "
            "terwijl de aanmaningen zich opstapelen.",
            "in_writing",
            "handler",
        ),
        Story(
            "Maatschappelijk werker deelde informatie met de school",
            "Zonder het mij te vragen heeft de maatschappelijk werker met de school van mijn zoon over onze "
            "thuissituatie gesproken. Ik voel mij niet meer veilig om open te zijn.",
            "oral",
            "handler",
        ),
        Story(
            "Niet teruggebeld door de receptie",
            "Drie keer is mij beloofd dat ik teruggebeld zou worden over een afspraak. Dat is niet gebeurd.",
            "in_writing",
            "intake_staff",
        ),
    ],
    "werk-in-vertrouwen": [
        Story(
            "Intimiderend gedrag van leidinggevende",
            "Mijn leidinggevende spreekt mij in teamoverleggen herhaaldelijk op kleinerende toon aan en dreigt mijn "
            "contract niet te verlengen als ik er iets van zeg.",
            "in_writing",
            "handler",
        ),
        Story(
            "Ongewenste opmerkingen over uiterlijk",
            "Een collega maakt al maanden seksueel getinte opmerkingen over mijn kleding. Ik heb gevraagd daarmee te "
            "stoppen, maar het gaat door.",
            "oral",
            "intake_staff",
        ),
        Story(
            "Buitengesloten na melding",
            "Sinds ik een incident heb gemeld, word ik niet meer uitgenodigd voor overleggen en praat het team niet "
            "meer met mij.",
            "in_writing",
            "unit",
        ),
    ],
    "bakkerij-het-korenblad": [
        Story(
            "Schreeuwen in de bakkerij",
            "De chef schreeuwt tijdens de nachtdienst regelmatig tegen de jongere medewerkers en gooit met bakblikken. "
            "Ik durf hem er zelf niet op aan te spreken.",
            "oral",
            "manager",
        ),
        Story(
            "Discriminerende grappen in de kantine",
            "In de pauze worden grappen gemaakt over mijn afkomst. Toen ik er iets van zei, kreeg ik te horen dat ik "
            "niet zo gevoelig moest doen.",
            "in_writing",
            "intake_staff",
        ),
        Story(
            "Pesten via de groepsapp",
            "In de groepsapp van de winkel worden foto's van mij gedeeld met spottende teksten.",
            "in_writing",
            "unit",
        ),
    ],
    "workers-union": [
        Story(
            "No reply to my representation request",
            "I asked for a union representative to attend my disciplinary hearing and was promised a call back. "
            "Nobody called, and I went to the hearing on my own.",
            "phone",
            "handler",
        ),
        Story(
            "Membership fees taken twice",
            "My membership fee was taken twice in May and again in June. I phoned Member Services twice and was told "
            "it would be refunded, but nothing has happened.",
            "email",
            "intake_staff",
        ),
        Story(
            "Rude response at the advice line",
            "When I rang the advice line about my shift pattern I was told to read the handbook and the call was "
            "ended. I do not think that is how members should be treated.",
            "phone",
            "handler",
        ),
        Story(
            "Casework file lost",
            "The paperwork I handed in for my tribunal claim seems to have been lost. I have had to ask my employer "
            "for copies, which was embarrassing.",
            "in_writing",
            "unit",
        ),
    ],
    "workare": [
        Story(
            "Assessment report contained errors",
            "My occupational health report says I cannot lift anything, but the nurse never examined my back. My "
            "employer has now taken me off all duties.",
            "in_writing",
            "handler",
            "clinical",
        ),
        Story(
            "Appointment cancelled on the day",
            "My assessment was cancelled an hour before the appointment after I had arranged childcare and travelled "
            "forty minutes. This is the second time.",
            "phone",
            "intake_staff",
            "operational",
        ),
        Story(
            "Report sent to my employer without consent",
            "My report was sent to my manager before I had seen it, although I asked to see it first. I would like to "
            "know how this happened.",
            "email",
            "handler",
            "clinical_and_operational",
        ),
    ],
    "workare-client-services": [
        Story(
            "Costs higher than the estimate",
            "The final bill for my matter was almost twice the estimate I was given, and nobody warned me that the "
            "costs were rising.",
            "in_writing",
            "handler",
        ),
        Story(
            "Calls and emails not returned",
            "For three weeks I could not get hold of anyone dealing with my file, while a deadline was approaching.",
            "email",
            "intake_staff",
        ),
        Story(
            "Documents sent to the wrong address",
            "Confidential documents about my case were posted to my previous address, although I had given you the "
            "new one twice.",
            "letter",
            "unit",
        ),
    ],
}
FEEDBACK: dict[str, dict[str, list[Story]]] = {
    "compliment": {
        "en": [
            Story(
                "Thank you to the support team",
                "I want to thank Member Support for the way they helped me prepare for my grievance meeting. I felt "
                "listened to and well prepared.",
                "email",
                "handler",
            )
        ],
        "nl": [Story("Compliment voor de begeleiding", "Dank voor de fijne begeleiding de afgelopen maanden.")],
    },
    "suggestion": {
        "en": [
            Story(
                "Evening opening for the advice line",
                "Many members work shifts. It would help if the advice line were open one evening a week.",
                "web_form",
            )
        ],
        "nl": [Story("Avondspreekuur", "Een avondspreekuur zou helpen voor mensen die overdag werken.")],
    },
}
GENERIC = {
    "en": Story(
        "Dissatisfied with the service",
        "I am not satisfied with how my request was handled and would like someone to look into it.",
    ),
    "nl": Story(
        "Ontevreden over de dienstverlening",
        "Ik ben niet tevreden over hoe mijn vraag is behandeld en wil dat iemand ernaar kijkt.",
    ),
}
COMPLAINANTS = {
    "nl": [
        "Sophie de Vries",
        "Mohamed El Idrissi",
        "Anja Postma",
        "Kees van der Meer",
        "Fatima Ouali",
        "Gerrit Hoekstra",
        "Lieke Jansen",
        "Ahmet Yilmaz",
        "Marja Smit",
        "Dennis Kramer",
        "Naima Bouzid",
        "Wim Dijkhuis",
    ],
    "en": [
        "Olivia Turner",
        "Jack Morgan",
        "Aisha Rahman",
        "Liam O'Connor",
        "Grace Thompson",
        "Mohammed Ali",
        "Sophie Clarke",
        "Daniel Hughes",
        "Emily Watson",
        "Kwame Mensah",
        "Hannah Price",
        "Rhys Llewellyn",
    ],
}
NOTES = {
    "acknowledged": {"en": "Acknowledgement sent by email.", "nl": "Ontvangstbevestiging per e-mail verstuurd."},
    "handler_assigned": {"en": "Not involved in the matter.", "nl": "Niet betrokken bij de klacht."},
    "complainant_heard": {
        "en": "Spoke to the complainant by phone; notes on file.",
        "nl": "Klager telefonisch gesproken; verslag in het dossier.",
    },
    "subject_responded": {
        "en": "The colleague concerned gave their account in writing.",
        "nl": "De betrokken medewerker heeft schriftelijk gereageerd.",
    },
    "response_requested": {
        "en": "Asked the colleague concerned for their response.",
        "nl": "Betrokkene gevraagd om een reactie.",
    },
    "meeting_held": {"en": "Meeting held; report sent to both.", "nl": "Gesprek gevoerd; verslag naar beide partijen."},
    "decided": {"en": "Outcome letter sent with reasons.", "nl": "Gemotiveerde uitkomst per brief verstuurd."},
    "escalated": {"en": "Passed on at the complainant's request.", "nl": "Doorgezet op verzoek van de klager."},
    "external_filed": {"en": "Complainant informed us of the referral.", "nl": "Klager heeft ons de indiening gemeld."},
}
MEASURES = {
    "en": "Team briefing on returning calls within two working days.",
    "nl": "Werkafspraak: terugbellen binnen twee werkdagen; besproken in het teamoverleg.",
}

#: The demo organisations' own lists for the analyses (XS-22): what complaints are about, and what caused them.
#: Each entry is (code, English name, Dutch name).
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("communication", "Communication and information", "Communicatie en informatie"),
    ("conduct", "Conduct of staff", "Bejegening door medewerkers"),
    ("appointments", "Appointments and availability", "Afspraken en bereikbaarheid"),
    ("quality", "Quality of the service", "Kwaliteit van de dienstverlening"),
    ("privacy", "Privacy and confidentiality", "Privacy en vertrouwelijkheid"),
)
#: Werk in vertrouwen's kinds of undesirable behaviour (WV-01), the categories of its own and its clients' cases.
UNDESIRABLE_BEHAVIOUR: tuple[tuple[str, str, str], ...] = (
    ("intimidation", "Intimidation", "Intimidatie"),
    ("bullying", "Bullying", "Pesten"),
    ("aggression", "Aggression", "Agressie"),
    ("discrimination", "Discrimination", "Discriminatie"),
    ("sexual-harassment", "Sexual harassment", "Seksuele intimidatie"),
)
CAUSES: tuple[tuple[str, str, str], ...] = (
    ("unclear-information", "Unclear or missing information", "Onduidelijke of ontbrekende informatie"),
    ("processing-error", "Error in processing", "Fout in de verwerking"),
    ("capacity", "Too little capacity or time", "Te weinig capaciteit of tijd"),
    ("attitude", "Attitude of a staff member", "Houding van een medewerker"),
    ("expectations", "Expectations differed from the service", "Verwachting week af van de dienstverlening"),
)
