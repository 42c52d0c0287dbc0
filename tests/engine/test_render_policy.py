"""The public "how to complain" text, generated from the procedure file, in English and Dutch (WA-13, XS-24, WP-25)."""

from __future__ import annotations

import html
import itertools
import re
import string
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from plaint.engine import Procedure, load_directory, load_file
from plaint.engine.calendar import Duration
from plaint.engine.render import procedure_policy_html, procedure_policy_markdown
from plaint.engine.render.policy import markdown_escape
from plaint.engine.render.text import CATALOGUE, clean, duration_words, t
from plaint.procedures import BUNDLED_DIR

LOOPS = Path(__file__).parent / "render_fixtures" / "loops.yaml"
IDS = load_directory(BUNDLED_DIR).ids()
LANGS = ("en", "nl")


def bundled(procedure_id: str) -> Procedure:
    return load_directory(BUNDLED_DIR).latest(procedure_id)


class Page(HTMLParser):
    """The parts of the HTML the tests look at: heading levels and texts, list items, all text."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.items: list[str] = []
        self.links: list[str] = []
        self.tags: set[str] = set()
        self.chunks: list[str] = []
        self._open: list[str] = []
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._open.append(tag)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append((int(tag[1]), ""))
        if tag == "li":
            self.items.append("")
        if tag == "a":
            self.links.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        self._open.pop()

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)
        if any(tag.startswith("h") and tag[1:].isdigit() for tag in self._open):
            level, text = self.headings[-1]
            self.headings[-1] = (level, text + data)
        if "li" in self._open:
            self.items[-1] += data

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())


def page(procedure: Procedure, lang: str) -> Page:
    return Page(procedure_policy_html(procedure, lang=lang))


def term_item(found: Page, label: str) -> str:
    """The list item of the term with this label: it starts with the label as a bold lead-in."""
    matches = [item for item in found.items if item.startswith(f"{label}. ")]
    assert len(matches) == 1, label
    return matches[0]


def item_with(found: Page, text: str) -> str:
    matches = [item for item in found.items if text in item]
    assert matches, text
    return matches[0]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("procedure_id", IDS)
def test_headings_are_one_h1_then_in_order(procedure_id: str, lang: str) -> None:
    # Given a bundled procedure / When its public text is rendered as HTML
    found = page(bundled(procedure_id), lang)
    levels = [level for level, _ in found.headings]
    # Then there is exactly one h1, it comes first, and no heading skips a level
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(level <= previous + 1 for previous, level in itertools.pairwise(levels))
    assert {2, 3} <= set(levels)


@pytest.mark.clause("WA-13", "XS-24")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("procedure_id", IDS)
def test_the_text_tells_who_how_and_every_stage(procedure_id: str, lang: str) -> None:
    # Given a bundled procedure (WA-13: information on how to complain is displayed; XS-24: the regulation is
    # published) / When its public text is rendered
    procedure = bundled(procedure_id)
    found = page(procedure, lang)
    headings = [text for _, text in found.headings]
    # Then the title is the h1, and each stage has a heading of its own, in the procedure's order
    assert headings[0] == procedure.title.get(lang)
    stage_positions = [headings.index(stage.label.get(lang)) for stage in procedure.stages]
    assert stage_positions == sorted(stage_positions)
    # and it says who may complain and who may not, and every way to complain
    assert t("h_who", lang) in headings and t("h_how", lang) in headings
    for party in (*procedure.accepts.complainants, *procedure.accepts.excluded):
        assert party.label.get(lang) in found.items
    for channel in procedure.accepts.channels:
        assert t(f"channel.{channel}", lang) in found.items
    # and who handles each stage
    for stage in procedure.stages:
        assert procedure.role_label(stage.handled_by[0], lang) in found.text
    # and every commitment (confidentiality among them)
    for commitment in procedure.commitments:
        assert " ".join(commitment.text.get(lang).split()) in found.items


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("procedure_id", IDS)
def test_every_term_is_told_with_its_duration_in_words(procedure_id: str, lang: str) -> None:
    # Given a bundled procedure / When its public text is rendered
    procedure = bundled(procedure_id)
    found = page(procedure, lang)
    # Then each term is a list item with its label, its duration in words and what it is counted from
    for term in procedure.terms:
        item = term_item(found, term.label.get(lang))
        assert duration_words(term.duration, lang) in item, item
        assert t(f"event.{term.anchor}.since", lang) in item, item
        if term.extension is not None:
            assert t("extension", lang, duration=duration_words(term.extension.max_total, lang)) in item


@pytest.mark.clause("WP-25", "WH-09")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("procedure_id", IDS)
def test_every_external_body_is_published_with_contact_details_and_time_limits(procedure_id: str, lang: str) -> None:
    # Given a bundled procedure (WP-25: the external committee's contact details are published; WH-09: the
    # ombudsman's contact details and time limits are given) / When its public text is rendered
    procedure = bundled(procedure_id)
    found = page(procedure, lang)
    headings = [text for _, text in found.headings]
    # Then each external body has a heading, every contact detail and every time limit in words
    for body in procedure.external_bodies:
        assert body.name.get(lang) in headings
        contact = body.contact
        if contact is not None:
            details = [contact.attention, *contact.address, contact.email, contact.phone, contact.website]
            for detail in filter(None, details):
                assert detail in found.text, detail
        for limit in body.time_limits:
            assert t("external_limit", lang, duration=duration_words(limit.duration, lang),
                     since=t(f"event.{limit.counted_from}.since", lang)) in found.text  # fmt: skip


@pytest.mark.clause("WP-25")
@pytest.mark.parametrize("lang", LANGS)
def test_werkpro_publishes_the_complaints_officer_and_the_committee(lang: str) -> None:
    # Given WerkPro's procedure / When its public text is rendered
    found = page(bundled("werkpro"), lang)
    # Then the complaints officer's contact details and the committee's address are on it
    officer = item_with(found, "b.grol@werkpro.nl")
    assert "Brigit Grol" in officer and "050 317 5200" in officer
    assert "Postbus 4159" in found.text and "9701 ED Groningen" in found.text
    # and what to do if not satisfied: first internally, then the committee within six months
    assert t("h_not_satisfied", lang) in [text for _, text in found.headings]
    assert duration_words(Duration.parse("6 months"), lang) in found.text


@pytest.mark.clause("WH-09")
def test_the_legal_ombudsman_is_given_with_address_email_and_time_limits() -> None:
    # Given Workare's Complaints Handling Policy, if bundled
    if "workare-handling" not in IDS:
        pytest.skip("workare-handling.yaml is not bundled yet")
    procedure = bundled("workare-handling")
    # When its public text is rendered
    found = page(procedure, "en")
    # Then the ombudsman's postal address and email are there, and its time limits in words
    assert "PO Box 15870" in found.text and "B30 9EB" in found.text
    assert "enquiries@legalombudsman.org.uk" in found.text
    assert "six months" in found.text and "one year" in found.text


@pytest.mark.parametrize("procedure_id", IDS)
def test_the_dutch_text_has_no_english_fixed_sentences(procedure_id: str) -> None:
    # Given the catalogue's English sentences that differ from their Dutch ones, cut at their placeholders
    fragments = {
        piece.strip()
        for english, dutch in CATALOGUE.values()
        if english != dutch
        for piece in re.split(r"\{[^}]*\}", english)
        if len(piece.strip()) >= 12
    }
    assert len(fragments) > 100
    # When a procedure's Dutch text is rendered
    dutch = procedure_policy_markdown(bundled(procedure_id), lang="nl")
    # Then none of them is in it
    assert [fragment for fragment in fragments if fragment in dutch] == []


def test_the_catalogue_is_complete_in_both_languages() -> None:
    # Given the catalogue / Then every entry has both languages, with the same placeholders
    for key, (english, dutch) in CATALOGUE.items():
        assert english.strip() and dutch.strip(), key
        assert sorted(re.findall(r"\{(\w+)\}", english)) == sorted(re.findall(r"\{(\w+)\}", dutch)), key
        assert english.count("|") == dutch.count("|"), key


@pytest.mark.parametrize(
    ("duration", "english", "dutch"),
    [
        ("5 working days", "five working days", "vijf werkdagen"),
        ("2 weeks", "two weeks", "twee weken"),
        ("6 months", "six months", "zes maanden"),
        ("1 month", "one month", "één maand"),
        ("1 year", "one year", "één jaar"),
        ("21 days", "21 days", "21 dagen"),
        ("14 days", "fourteen days", "veertien dagen"),
    ],
)
def test_durations_in_plain_words(duration: str, english: str, dutch: str) -> None:
    # Given a duration as a procedure file writes it / When it is put in words / Then it reads naturally
    assert duration_words(Duration.parse(duration), "en") == english
    assert duration_words(Duration.parse(duration), "nl") == dutch


def test_xs2more_terms_read_as_plain_sentences() -> None:
    # Given Xs2more's terms (XS-03, XS-13) / When the English and Dutch texts are rendered
    english, dutch = page(bundled("xs2more"), "en"), page(bundled("xs2more"), "nl")
    # Then the acknowledgement is a sentence in plain words, and the extension is explained
    assert "We confirm that we received your complaint within two weeks of receiving your complaint." in english.text
    assert (
        "Wij bevestigen dat wij uw klacht hebben ontvangen binnen twee weken na ontvangst van uw klacht." in dutch.text
    )
    answer = term_item(english, "Answer the complaint")
    assert "within six weeks" in answer and "by at most six weeks in total" in answer and "reasons" in answer
    assert "met ten hoogste zes weken" in term_item(dutch, "Klacht afhandelen")


def test_procedure_text_cannot_inject_markup() -> None:
    # Given a procedure whose texts hold HTML, Markdown links, emphasis and a javascript: address
    procedure = load_file(LOOPS)
    # When its public text is rendered as HTML
    source = procedure_policy_html(procedure, lang="en")
    found = Page(source)
    # Then none of it became markup: no script, i, b, em or strong elements, and no link but the safe ones
    assert found.tags.isdisjoint({"script", "i", "b", "em", "img"})
    assert "<i>" not in source and "<b>" not in source and "<em>" not in source
    assert found.links == ["mailto:help@ombudsman.example", "https://ombudsman.example/complain"]
    assert "javascript:" not in "".join(found.links)
    # and the texts are shown as they are written
    assert "Any [expression](javascript:alert(1)) of dissatisfaction." in found.text
    assert "The <i>Ombudsman</i>" in [text for _, text in found.headings]
    assert found.headings[0][1] == "Loops & <branches> *test* procedure"
    assert "# Members" in found.items
    # The only bold text is the Plaint's own lead-in of each term
    assert source.count("<strong>") == len(procedure.terms)


def test_representatives_consent_and_the_finer_points_of_terms() -> None:
    # Given a procedure with written consent for representatives, a late complaint only flagged, and a term that is
    # a target, pausable, twice extensible, conditional, and opens the ombudsman when missed
    procedure = load_file(LOOPS)
    # When its text is rendered in English
    found = page(procedure, "en")
    # Then representatives and the consent they need are explained
    assert t("representatives_allowed", "en") in found.text and t("consent_written_consent", "en") in found.text
    assert "A relative" in found.items
    # and the time limit for complaining, counted from awareness, only flags a late complaint
    assert t("time_limit_awareness", "en", duration="four weeks") in found.text
    assert t("time_limit_warn", "en") in found.text
    # and the term tells every rule that applies to it
    answer = term_item(found, "Answer *now*")
    for sentence in (
        t("term_target", "en"),
        t("term_paused", "en"),
        t("extension_times", "en", count=2),
        t("missed_opens", "en", body="The <i>Ombudsman</i>"),
        "only after planning the meeting",
        "only as long as the meeting has not happened",
        "only to a complaint",
        "only if the complaint was made in writing",
        "within 21 days of your request for formal handling",
    ):
        assert sentence in answer, sentence
    # and the review term is counted from the latest request
    assert t("term_latest", "en") in term_item(found, "Final position")
    # and routing is explained in words
    assert "If the complaint is about the manager: Senior manager." in found.items
    # and a body without safe contact details gets the fallback sentence, its address left as text
    assert "javascript:alert(1)" in found.text


@pytest.mark.parametrize("function", [procedure_policy_markdown, procedure_policy_html])
def test_an_unsupported_language_is_refused(function: object) -> None:
    # Given a procedure / When its text is asked for in German / Then a ValueError names en and nl
    with pytest.raises(ValueError, match="en or nl"):
        function(bundled("xs2more"), lang="de")  # type: ignore[operator]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(string.punctuation)))
def test_escaped_text_renders_as_itself(text: str) -> None:
    # Given any text / When it is escaped for Markdown and rendered / Then the paragraph shows exactly that text
    expected = clean(text)
    rendered = MarkdownIt("commonmark", {"html": False}).render(markdown_escape(text))
    if not expected:
        assert rendered == ""
        return
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n"), rendered
    assert html.unescape(rendered[3:-5]) == expected


def section(markdown: str, heading: str) -> str:
    """The Markdown of one h2 section, up to the next h2."""
    start = markdown.index(f"## {heading}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else None]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("procedure_id", IDS)
def test_a_terms_own_must_text_drives_its_sentence(procedure_id: str, lang: str) -> None:
    # Given a bundled procedure / When its public text is rendered
    procedure = bundled(procedure_id)
    found = page(procedure, lang)
    # Then every term with a `must` says that, followed by its time limit
    for term in procedure.terms:
        if term.must is not None:
            item = term_item(found, term.label.get(lang))
            sentence = clean(term.must.get(lang)).rstrip(".")
            assert f"{term.label.get(lang)}. {sentence}" in item, item
            assert f"{sentence} {t('term_sentence', lang, who='', duration='', since='').split()[0]} " in item.replace(
                f"{sentence}, ", f"{sentence} "
            )
            assert duration_words(term.duration, lang) in item


def test_the_meeting_confirmation_is_no_longer_called_a_decision() -> None:
    # Given Workare's Complaints Handling Policy (WH-05: the director confirms in writing what took place and the
    # solutions agreed, within three days of the meeting) / When its text is rendered
    english, dutch = page(bundled("workare-handling"), "en"), page(bundled("workare-handling"), "nl")
    # Then the term says what is sent, not "our decision"
    item = term_item(english, "Written confirmation of the meeting")
    assert "We confirm in writing what took place and any solutions we agreed with you within three days" in item
    assert "decision" not in item
    assert "Wij bevestigen u schriftelijk wat er is besproken" in term_item(
        dutch, "Schriftelijke bevestiging van het gesprek"
    )


def test_a_trailing_phrase_is_closed_with_a_comma_before_the_time_limit() -> None:
    # Given the review's final position, with and without its own must text
    procedure = bundled("workare-handling")
    item = term_item(page(procedure, "en"), "Final position after the review")
    assert "in writing, with our reasons, within fourteen days of receiving your request for a review." in item
    bare = procedure.model_copy(
        update={"terms": tuple(term.model_copy(update={"must": None}) for term in procedure.terms)}
    )
    # When the sentence comes from the event itself / Then the comma is there too, in both languages
    assert "We give you our final position, with reasons, within fourteen days" in term_item(
        page(bare, "en"), "Final position after the review"
    )
    assert "Wij geven u ons definitieve standpunt, met redenen, binnen veertien dagen" in term_item(
        page(bare, "nl"), "Definitief standpunt na heroverweging"
    )
    # and a subject's response is not broken up by a comma
    assert "Degene over wie uw klacht gaat, reageert binnen twee weken" in page(bundled("werkpro"), "nl").text


@pytest.mark.parametrize(
    ("procedure_id", "lang", "sentence"),
    [
        ("workare-handling", "en", "If we miss it, you may go straight to the Legal Ombudsman."),
        ("workare-handling", "nl", "Halen wij de termijn niet, dan kunt u direct naar de Legal Ombudsman."),
        ("werkpro", "en", "The Klachtencommissie Maatschappelijke Dienstverlening decides within six months"),
        ("werkpro", "nl", "De Klachtencommissie Maatschappelijke Dienstverlening beslist binnen zes maanden"),
        ("xs2more", "en", "your complaint goes to the College voor Klachten en Arbitrage van Blik op Werk."),
        ("xs2more", "nl", "uw klacht gaat naar het College voor Klachten en Arbitrage van Blik op Werk."),
    ],
)
def test_external_bodies_are_named_with_their_article(procedure_id: str, lang: str, sentence: str) -> None:
    # Given a procedure naming an external body inside a sentence / When its text is rendered
    text = page(bundled(procedure_id), lang).text
    # Then the body's name has its article ("the Legal Ombudsman", "het College")
    assert sentence in text


@pytest.mark.parametrize("lang", LANGS)
def test_xs2more_gives_its_own_phone_number_and_blik_op_werks_website(lang: str) -> None:
    # Given Xs2more's regulation ("Natuurlijk mag u ook met ons bellen op nummer 088 – 700 7750")
    procedure = bundled("xs2more")
    markdown = procedure_policy_markdown(procedure, lang=lang)
    # When its text is rendered / Then "How to complain" gives the phone number
    how = section(markdown, t("h_how", lang))
    assert t("contact_us", lang, publisher="Xs2more") in how
    assert t("contact_phone", lang, value="088 – 700 7750") in how
    # and the external body has its website as a link
    assert "https://www.blikopwerk.nl" in page(procedure, lang).links


@pytest.mark.parametrize("lang", LANGS)
def test_werkpro_gives_its_general_contact_without_a_persons_name(lang: str) -> None:
    # Given WerkPro's regulation, whose contact block gives the address, general number and email
    markdown = procedure_policy_markdown(bundled("werkpro"), lang=lang)
    # When its text is rendered / Then "How to complain" has them, and no person's name or personal address
    how = section(markdown, t("h_how", lang))
    for detail in ("Zilverlaan 2", "9743 RK Groningen", "(050) 317 52 00", "<info@werkpro.nl>"):
        assert detail in how, detail
    assert "Grol" not in how and "b.grol" not in how


def test_confidentiality_is_only_promised_when_the_file_promises_it() -> None:
    # Given procedures with a confidentiality commitment (WerkPro WP-21, Workers Union WU-13, Workare WA-11) and
    # without one (Xs2more, Workare's Complaints Handling Policy)
    for procedure_id in ("werkpro", "workers-union", "workare"):
        text = page(bundled(procedure_id), "en").text
        assert t("confidential", "en") in text and t("h_confidentiality", "en") in text, procedure_id
    for procedure_id in ("xs2more", "workare-handling"):
        found = page(bundled(procedure_id), "nl")
        # Then only the first say the complaint is treated confidentially; the others list their commitments
        assert t("confidential", "nl") not in found.text, procedure_id
        assert t("h_commitments", "nl") in [text for _, text in found.headings], procedure_id
    assert "Only the people who handle your complaint can see it" not in page(bundled("xs2more"), "en").text
