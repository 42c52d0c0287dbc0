"""The demo installation, as data: the organisations of the five policies in `seeds/`, their units and people.

Organisation names, addresses and external bodies come from the policy documents. Every person is fictional; the two
client organisations of Werk in vertrouwen are fictional too. `plaint demo load` (`demo/loader.py`) turns this into
rows through the services, creating what is missing and leaving what exists alone.

Decisions:
- Workare's two documents are two procedures (WA and WH disagree on their terms). Each organisation has one procedure
  in force on a day, so the Complaints Handling Policy (`workare-handling`, with the Legal Ombudsman) is modelled as a
  second, fictional organisation record, "Workare Client Services" (WH), beside Workare Ltd's Occupational Health
  service (`workare`).
- Werk in vertrouwen serves two fictional clients (WV-02): "Stichting Welzijn De Linde", a welfare foundation with
  a regulation of its own (it adopts the bundled `werkpro` regulation, a regulation of the same sector, since no
  client-specific file is bundled), and "Bakkerij Het Korenblad", which has none and so follows Werk in vertrouwen's.
  Werk in vertrouwen's complaints officer and committee member are members of both clients.
"""

from __future__ import annotations

from typing import Any

# Passes the password validators of settings.AUTH_PASSWORD_VALIDATORS. Demo only: change it or drop the demo data
# before anything real is stored.
DEMO_PASSWORD = "Plaint-demo-2025"  # noqa: S105 - the documented demo password
SUPERUSER = {"username": "admin", "name": "Plaint Administrator", "email": "admin@plaint.example"}

# The order people are created in, so a line manager always exists before their reports.
ROLE_ORDER = [
    "board_member",
    "senior_manager",
    "manager",
    "handler",
    "intake_staff",
    "complaints_officer",
    "committee_member",
    "analyst",
    "administrator",
]

# Whose report each role is: staff report to the manager, the manager to the senior manager, the senior manager to
# the board (WU-07). The complaints officer reports to the board; a committee member is independent.
LINE_MANAGER_ROLE: dict[str, str | None] = {
    "board_member": None,
    "senior_manager": "board_member",
    "manager": "senior_manager",
    "handler": "manager",
    "intake_staff": "manager",
    "complaints_officer": "board_member",
    "committee_member": None,
    "analyst": "senior_manager",
    "administrator": "senior_manager",
}

EXTERNAL_BODIES: list[dict[str, str]] = [
    {
        "name": "Legal Ombudsman",
        "kind": "ombudsman",
        "address": "PO Box 15870\nBirmingham\nB30 9EB",
        "email": "enquiries@legalombudsman.org.uk",
        "website": "https://www.legalombudsman.org.uk",
    },
    {"name": "College voor Klachten en Arbitrage van Blik op Werk", "kind": "complaints_committee"},
    {
        "name": "Klachtencommissie Maatschappelijke Dienstverlening",
        "kind": "complaints_committee",
        "address": "t.a.v. de ambtelijk secretaris\nPostbus 4159\n9701 ED Groningen",
    },
    {"name": "UWV – arbeidsdeskundige", "kind": "other"},
]

# people: (role, name, job title, unit key or None). A role's line manager follows LINE_MANAGER_ROLE.
# colleagues: (username, roles, name, job title, unit key or None, line manager's role or None): a second person in a
#   role, for the routes the demo shows (docs/access.md, README "Demo"): the colleague manager who takes over when the
#   manager was involved (WP-04), a director who decided and so may not review (WH-07), a second complaints officer
#   of the firm who does not see the first one's confidential case (WV-03, WA-11). The second officer is a member of
#   the firm only (not a guest of its clients): a client's own complaints officer sees the client's confidential cases
#   of the stage by role (docs/access.md), so a guest officer would.
# guests: (username of a person of another organisation, roles, job title): for a firm's officers at its clients.
ORGANISATIONS: list[dict[str, Any]] = [
    {
        "slug": "workers-union",
        "name": "The Workers Union",
        "reference_prefix": "WU",
        "jurisdiction": "GB-ENG",
        "time_zone": "Europe/London",
        "default_language": "en",
        "supported_languages": ["en"],
        "adoptions": [{"procedure_id": "workers-union", "version": 1, "active_from": "2025-01-01"}],
        "units": [
            ("management", "department", "Management Team", None, "senior_manager"),
            ("members", "department", "Member Services", "management", "manager"),
            ("support", "team", "Member Support", "members", "manager"),
        ],
        "people": [
            ("board_member", "Margaret Hollis", "Chair of the Board", None),
            ("senior_manager", "David Okafor", "Head of Member Services", "management"),
            ("manager", "Rachel Summers", "Member Services Manager", "members"),
            ("handler", "Tom Bradley", "Member Support Officer", "support"),
            ("intake_staff", "Priya Shah", "Membership Administrator", "support"),
            ("complaints_officer", "Helen Marsh", "Complaints Officer", None),
            ("committee_member", "George Whitfield", "Board Complaints Panel Member", None),
            ("analyst", "Amy Lawson", "Quality Analyst", None),
            ("administrator", "Ben Carter", "Systems Administrator", None),
        ],
    },
    {
        "slug": "workare",
        "name": "Workare Ltd",
        "reference_prefix": "WA",
        "jurisdiction": "GB-ENG",
        "time_zone": "Europe/London",
        "default_language": "en",
        "supported_languages": ["en"],
        "adoptions": [{"procedure_id": "workare", "version": 1, "active_from": "2025-01-01"}],
        "units": [
            ("oh", "department", "Occupational Health Service", None, "manager"),
            ("clinical", "team", "Clinical Team", "oh", "senior_manager"),
        ],
        "people": [
            ("board_member", "Richard Palmer", "Managing Director", None),
            ("senior_manager", "Fiona Grant", "Senior Clinician", "clinical"),
            ("manager", "Claire Donovan", "Contract Manager", "oh"),
            ("handler", "James Whitaker", "Occupational Health Adviser", "oh"),
            ("intake_staff", "Lucy Evans", "Service Coordinator", "oh"),
            ("complaints_officer", "Martin Hughes", "Clinical Governance Lead", None),
            ("committee_member", "Sarah Collins", "Review Panel Member", None),
            ("analyst", "Nina Patel", "Quality Analyst", None),
            ("administrator", "Owen Price", "IT Administrator", None),
        ],
    },
    {
        "slug": "workare-client-services",
        "name": "Workare Client Services",
        "reference_prefix": "WH",
        "jurisdiction": "GB-ENG",
        "time_zone": "Europe/London",
        "default_language": "en",
        "supported_languages": ["en"],
        "external_bodies": ["Legal Ombudsman"],
        "adoptions": [{"procedure_id": "workare-handling", "version": 1, "active_from": "2025-01-01"}],
        "units": [("clients", "department", "Client Services", None, "manager")],
        "people": [
            ("board_member", "Jonathan Reeves", "Director", None),
            ("senior_manager", "Alison Hart", "Senior Director", None),
            ("manager", "Paul Fletcher", "Client Services Manager", "clients"),
            ("handler", "Emma Robinson", "Complaints Handler", "clients"),
            ("intake_staff", "Daniel Ward", "Receptionist", "clients"),
            ("complaints_officer", "Karen Mills", "Compliance Officer", None),
            ("committee_member", "Stephen Gray", "Independent Reviewer", None),
            ("analyst", "Laura Bennett", "Analyst", None),
            ("administrator", "Chris Doyle", "Office Administrator", None),
        ],
        "colleagues": [
            (
                "wh-senior-manager-2",
                ["senior_manager", "committee_member"],
                "Victoria Lane",
                "Director of Operations, Review Panel Member",
                None,
                "board_member",
            ),
        ],
    },
    {
        "slug": "werk-in-vertrouwen",
        "name": "Werk in vertrouwen",
        "reference_prefix": "WV",
        "jurisdiction": "NL",
        "time_zone": "Europe/Amsterdam",
        "default_language": "nl",
        "supported_languages": ["nl", "en"],
        "provides_complaints_service": True,
        "adoptions": [{"procedure_id": "werk-in-vertrouwen", "version": 1, "active_from": "2025-01-01"}],
        "units": [("advies", "department", "Advies en klachtbehandeling", None, "manager")],
        "people": [
            ("board_member", "Marieke van Leeuwen", "Directeur", None),
            ("senior_manager", "Joost Vermeulen", "Senior adviseur", None),
            ("manager", "Esther Bakker", "Teamleider", "advies"),
            ("handler", "Ruben de Groot", "Klachtbehandelaar", "advies"),
            ("intake_staff", "Femke Jansen", "Secretariaat", "advies"),
            ("complaints_officer", "Anouk Visser", "Klachtenfunctionaris", "advies"),
            ("committee_member", "Hans Mulder", "Lid klachtencommissie (arbeidsjurist)", None),
            ("analyst", "Lotte Smit", "Beleidsmedewerker kwaliteit", None),
            ("administrator", "Bas Hendriks", "Applicatiebeheerder", None),
        ],
        "colleagues": [
            ("wv-complaints-officer-2", ["complaints_officer"], "Ruud Bakker", "Klachtenfunctionaris", "advies", None),
        ],
    },
    {
        "slug": "welzijn-de-linde",
        "name": "Stichting Welzijn De Linde",
        "reference_prefix": "DL",
        "jurisdiction": "NL",
        "time_zone": "Europe/Amsterdam",
        "default_language": "nl",
        "supported_languages": ["nl"],
        "served_by": "werk-in-vertrouwen",
        "external_bodies": ["Klachtencommissie Maatschappelijke Dienstverlening"],
        "adoptions": [{"procedure_id": "werkpro", "version": 1, "active_from": "2025-01-01"}],
        "units": [("mw", "department", "Maatschappelijk werk", None, "manager")],
        "people": [
            ("board_member", "Gerard Kok", "Bestuurder", None),
            ("senior_manager", "Ingrid Dekker", "Regiomanager", None),
            ("manager", "Wouter Brouwer", "Teammanager", "mw"),
            ("handler", "Sanne Peters", "Maatschappelijk werker", "mw"),
            ("intake_staff", "Yara el Amrani", "Medewerker receptie", "mw"),
            ("analyst", "Koen Willems", "Kwaliteitsmedewerker", None),
            ("administrator", "Petra Bos", "Functioneel beheerder", None),
        ],
        "guests": [
            ("wv-complaints-officer", ["complaints_officer"], "Klachtenfunctionaris (Werk in vertrouwen)"),
            ("wv-committee-member", ["committee_member"], "Lid klachtencommissie (Werk in vertrouwen)"),
        ],
    },
    {
        "slug": "bakkerij-het-korenblad",
        "name": "Bakkerij Het Korenblad",
        "reference_prefix": "KB",
        "jurisdiction": "NL",
        "time_zone": "Europe/Amsterdam",
        "default_language": "nl",
        "supported_languages": ["nl"],
        "served_by": "werk-in-vertrouwen",
        "adoptions": [],
        "units": [("bakkerij", "location", "Bakkerij", None, "manager")],
        "people": [
            ("board_member", "Henk Postma", "Directeur-eigenaar", None),
            ("senior_manager", "Monique Huisman", "Bedrijfsleider", None),
            ("manager", "Jeroen Kuipers", "Chef bakkerij", "bakkerij"),
            ("handler", "Eva Bosman", "Medewerker personeelszaken", None),
            ("intake_staff", "Tim Veenstra", "Winkelmedewerker", "bakkerij"),
            ("analyst", "Iris Kramer", "Administratief medewerker", None),
            ("administrator", "Niels Schouten", "ICT-beheerder", None),
        ],
        "guests": [
            ("wv-complaints-officer", ["complaints_officer"], "Klachtenfunctionaris (Werk in vertrouwen)"),
            ("wv-committee-member", ["committee_member"], "Lid klachtencommissie (Werk in vertrouwen)"),
        ],
    },
    {
        "slug": "xs2more",
        "name": "Xs2more",
        "reference_prefix": "XS",
        "jurisdiction": "NL",
        "time_zone": "Europe/Amsterdam",
        "default_language": "nl",
        "supported_languages": ["nl"],
        "phone": "088 - 700 7750",
        "external_bodies": ["College voor Klachten en Arbitrage van Blik op Werk"],
        "adoptions": [{"procedure_id": "xs2more", "version": 1, "active_from": "2025-01-01"}],
        "units": [
            ("directie", "department", "Directie", None, "senior_manager"),
            ("operatie", "department", "Operatie", "directie", "manager"),
            ("bemiddeling", "team", "Bemiddeling", "operatie", "manager"),
        ],
        "people": [
            ("board_member", "Erik Verbeek", "Directeur", "directie"),
            ("senior_manager", "Judith van Dam", "Manager operatie", "directie"),
            ("manager", "Mark Jacobs", "Vestigingsmanager", "operatie"),
            ("handler", "Linda Hoekstra", "Consulent", "bemiddeling"),
            ("intake_staff", "Fleur Meijer", "Secretariaat directie", "directie"),
            ("complaints_officer", "Sander Prins", "Kwaliteitsfunctionaris", None),
            ("committee_member", "Annemiek Vos", "Lid klachtencommissie", None),
            ("analyst", "Daan Koster", "Kwaliteitsanalist", None),
            ("administrator", "Rik van der Linden", "Applicatiebeheerder", None),
        ],
    },
    {
        "slug": "werkpro",
        "name": "WerkPro",
        "reference_prefix": "WP",
        "jurisdiction": "NL",
        "time_zone": "Europe/Amsterdam",
        "default_language": "nl",
        "supported_languages": ["nl"],
        "address": "Zilverlaan 2\n9743 RK Groningen",
        "email": "info@werkpro.nl",
        "phone": "(050) 317 52 00",
        "external_bodies": ["Klachtencommissie Maatschappelijke Dienstverlening", "UWV – arbeidsdeskundige"],
        # Version 2 (the route to UWV's labour expert, WP-20) for cases received from its valid_from; earlier cases
        # keep version 1 (WP-23). An installation loaded before version 2 existed gets it on the next load.
        "adoptions": [
            {"procedure_id": "werkpro", "version": 1, "active_from": "2022-02-01"},
            {"procedure_id": "werkpro", "version": 2, "active_from": "2026-12-01"},
        ],
        "units": [
            ("werkbedrijven", "department", "Werkbedrijven", None, "senior_manager"),
            ("kringloop", "location", "Kringloopwinkel Zilverlaan", "werkbedrijven", "manager"),
            ("kringloop-team", "team", "Team kringloop", "kringloop", "manager"),
            ("welzijn", "department", "Welzijn", None, "senior_manager"),
            ("buurtbemiddeling", "project", "Buurtbemiddeling", "welzijn", "manager"),
            ("woonkans", "project", "Woonkans", "welzijn", None),
            ("begeleiding", "team", "Individuele begeleiding", "welzijn", "manager"),
        ],
        "people": [
            ("board_member", "Margriet Hofman", "Bestuurder", None),
            ("senior_manager", "Pieter Zwart", "Manager werkbedrijven en welzijn", "werkbedrijven"),
            ("manager", "Karin Dijkstra", "Manager", "kringloop"),
            ("handler", "Bram Wolters", "Jobcoach", "kringloop-team"),
            ("intake_staff", "Noor Haddou", "Medewerker receptie", "kringloop"),
            ("complaints_officer", "Ellen Schipper", "Onafhankelijk klachtenfunctionaris", None),
            ("committee_member", "Frank Boersma", "Lid klachtencommissie", None),
            ("analyst", "Marloes Wiersma", "Kwaliteitsmedewerker", None),
            ("administrator", "Jan-Willem Bakker", "Functioneel beheerder", None),
        ],
        "colleagues": [
            (
                "wp-manager-2",
                ["manager"],
                "Hilde Mulder",
                "Manager individuele begeleiding",
                "begeleiding",
                "senior_manager",
            ),
        ],
    },
]


def username_for(prefix: str, role: str) -> str:
    """`xs-handler`, `wp-senior-manager`: the login of an organisation's demo person in a role."""
    return f"{prefix.lower()}-{role.replace('_', '-')}"
