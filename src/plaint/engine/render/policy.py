"""The public "how to complain" text of a procedure (WA-13, XS-24, WP-25), in Markdown and HTML.

Generated from the procedure file alone: who may complain and how, each stage and who handles it, every term in plain
words, extensions, where to go when not satisfied (with the independent bodies' contact details and time limits),
confidentiality, representatives and consent. Fixed sentences come from `text.CATALOGUE`; the file's own labels and
descriptions are escaped, so nothing in a procedure file can add markup. The HTML is the Markdown rendered by
markdown-it-py with raw HTML disabled.
"""

from __future__ import annotations

import re
from typing import Final

from markdown_it import MarkdownIt

from plaint.engine.definition import (
    Action,
    Condition,
    Contact,
    ExternalBody,
    Procedure,
    Stage,
    Term,
    Text,
    ThirdParties,
)
from plaint.engine.messages import Lang
from plaint.engine.render.graph import Move, anywhere_moves, closings, entry_kinds, moves, term_stage
from plaint.engine.render.text import (
    CATALOGUE,
    check_lang,
    clean,
    date_words,
    duration_words,
    join_words,
    lower_first,
    t,
    tx,
    upper_first,
)

__all__ = ["markdown_escape", "procedure_policy_html", "procedure_policy_markdown"]

#: Stage kinds a complainant goes to when not satisfied with an earlier stage.
ONWARD_KINDS: Final = ("review", "board", "complaints_officer", "committee", "external", "mediation")
ONWARD_EVENTS: Final = ("review_requested", "external_filed")
#: Events whose sentence ends in a phrase set off by a comma ("..., with reasons"), closed before the time limit.
TRAILING_PHRASE_EVENTS: Final = frozenset({"review_decided"})

_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>&#|~!])")
_LINE_START: Final = re.compile(r"^(\d+)([.)])|^([-+=])")
_URL: Final = re.compile(r"https?://[^\s<>\\`]+")
_EMAIL: Final = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def markdown_escape(text: str) -> str:
    """`text` as literal Markdown: one line, every character that could start markup backslash-escaped."""
    escaped = _SPECIAL.sub(r"\\\1", clean(text))
    return _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", escaped)


def procedure_policy_markdown(procedure: Procedure, *, lang: str) -> str:
    """The procedure in plain words for the public page, as Markdown in `lang` (en or nl)."""
    return _Policy(procedure, check_lang(lang)).markdown()


def procedure_policy_html(procedure: Procedure, *, lang: str) -> str:
    """`procedure_policy_markdown` as an HTML fragment: an `<article>` in `lang` with one h1, then h2 and h3."""
    language = check_lang(lang)
    markdown = _Policy(procedure, language).markdown()
    body = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).render(markdown)
    return f'<article lang="{language}">\n{body}</article>\n'


class _Policy:
    def __init__(self, procedure: Procedure, lang: Lang) -> None:
        self.p = procedure
        self.lang = lang
        self.blocks: list[str] = []
        self.publisher = markdown_escape(procedure.implements.publisher)

    # Helpers

    def t(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def x(self, text: Text | None) -> str:
        """A procedure file's text, escaped."""
        return markdown_escape(tx(text, self.lang)) if text is not None else ""

    def heading(self, level: int, text: str) -> None:
        self.blocks.append(f"{'#' * level} {text}")

    def para(self, *sentences: str) -> None:
        text = " ".join(sentence for sentence in sentences if sentence)
        if text:
            self.blocks.append(text)

    def items(self, items: list[str]) -> None:
        if items:
            self.blocks.append("\n".join(f"- {item}" for item in items))

    def role(self, role: str) -> str:
        return markdown_escape(self.p.role_label(role, self.lang))

    def roles(self, roles: tuple[str, ...]) -> str:
        return join_words([self.role(role) for role in roles], self.lang)

    def outcomes(self, outcomes: tuple[str, ...], conjunction: str = "and") -> str:
        return join_words([self.t(f"outcome.{o}") for o in outcomes], self.lang, conjunction=conjunction)

    def stage_label(self, key: str) -> str:
        return self.x(self.p.stage_by_key[key].label)

    def body_name(self, key: str | None) -> str:
        """An external body's name inside a sentence, with its article: "the Legal Ombudsman", "het College ..."."""
        body = self.p.external_body_by_key.get(key) if key is not None else None
        if body is None:
            return self.t("the_external_body")
        name = self.x(body.name)
        article = markdown_escape(body.article.get(self.lang))
        if not article or name.lower().startswith(f"{article.lower()} "):
            return name
        return f"{article} {name}"

    def action_label(self, action: Action) -> str:
        if action.label is not None:
            return self.x(action.label)
        return self.t(f"event.{action.event}.label")

    # The document

    def markdown(self) -> str:
        self.heading(1, self.x(self.p.title))
        self.para(self.t("intro", publisher=self.publisher))
        self.who()
        self.how()
        self.stages()
        self.people()
        self.terms()
        self.letters()
        self.not_satisfied()
        self.confidentiality()
        self.learning()
        self.about()
        return "\n\n".join(self.blocks) + "\n"

    def who(self) -> None:
        accepts = self.p.accepts
        self.heading(2, self.t("h_who"))
        kinds = [self.x(spec.label) if spec.label else self.t(f"kind.{spec.kind}") for spec in accepts.kinds]
        if len(kinds) > 1:
            self.para(self.t("kinds_accepted", kinds=join_words(kinds, self.lang)))
        for spec in accepts.kinds:
            if spec.definition is not None:
                self.para(self.t("definition", kind=self.t(f"kind.{spec.kind}"), text=self.x(spec.definition)))
        if accepts.complainants:
            self.para(self.t("complainants"))
            self.items([self.x(party.label) for party in accepts.complainants])
        else:
            self.para(self.t("complainants_anyone"))
        if accepts.excluded:
            self.para(self.t("excluded"))
            self.items([self.x(party.label) for party in accepts.excluded])
        self.para(self.x(accepts.note))
        admissibility = self.p.admissibility
        limit = admissibility.time_limit
        if limit is not None:
            key = "time_limit_awareness" if limit.counted_from == "awareness" else "time_limit_incident"
            effect = "time_limit_refuse" if limit.effect == "refuse" else "time_limit_warn"
            self.para(
                self.t(key, duration=duration_words(limit.duration, self.lang)), self.t(effect), self.x(limit.text)
            )
        if admissibility.definition_test is not None:
            self.para(self.x(admissibility.definition_test.text))
        if admissibility.refusal is not None:
            self.para(self.t("refusal"), self.x(admissibility.refusal.text))
        if accepts.representatives is not None or accepts.surviving_relatives is not None:
            self.heading(3, self.t("h_representatives"))
            if accepts.representatives is not None:
                self.third_parties(accepts.representatives, "representatives_allowed")
            if accepts.surviving_relatives is not None and accepts.surviving_relatives.allowed:
                self.third_parties(accepts.surviving_relatives, "relatives_allowed")

    def third_parties(self, parties: ThirdParties, allowed: str) -> None:
        if not parties.allowed:
            self.para(self.t("representatives_not_allowed"), self.x(parties.note))
            return
        self.para(self.t(allowed), self.t(f"consent_{parties.consent}"), self.x(parties.note))
        if parties.who:
            self.para(self.t("representatives_who"))
            self.items([self.x(party.label) for party in parties.who])

    def how(self) -> None:
        self.heading(2, self.t("h_how"))
        channels = self.p.accepts.channels
        if channels:
            self.para(self.t("channels"))
            self.items([self.t(f"channel.{channel}") for channel in channels])
        else:
            self.para(self.t("channels_none"))
        lines = self.contact_lines(self.p.contact)
        if lines:
            self.para(self.t("contact_us", publisher=self.publisher))
            self.items(lines)

    def stages(self) -> None:
        self.heading(2, self.t("h_stages"))
        self.para(self.t("stages_intro"))
        entries = entry_kinds(self.p)
        all_moves = moves(self.p)
        for stage in self.p.stages:
            self.heading(3, self.x(stage.label))
            self.para(self.x(stage.description))
            if stage.external_body is not None and stage.external_body in self.p.external_body_by_key:
                self.para(self.t("stage_external_body", body=self.body_name(stage.external_body)))
            self.para(
                self.t("stage_handled_by", roles=self.roles(stage.handled_by)),
                self.t("stage_independent") if stage.routing is not None and stage.routing.independent else "",
            )
            if stage.routing is not None:
                self.items(
                    [self.rule(rule.when, rule.assign, rule.label, rule.colleague) for rule in stage.routing.rules]
                )
            if len(entries) > 1 and stage.key in entries:
                kinds = join_words([self.t(f"kind.{kind}") for kind in entries[stage.key]], self.lang, conjunction="or")
                self.para(self.t("stage_starts", kinds=kinds))
            if stage.outcomes:
                self.para(self.t("stage_outcomes", outcomes=self.outcomes(stage.outcomes)))
            next_steps = [self.move_text(move) for move in all_moves if move.source == stage.key]
            for closing in closings(stage.actions):
                label = self.action_label(closing.action)
                if closing.outcomes:
                    label = f"{label} ({self.outcomes(closing.outcomes, 'or')})"
                next_steps.append(self.t("closes_case", label=label))
            if next_steps:
                self.para(self.t("stage_next"))
                self.items(next_steps)
            if stage.final:
                self.para(self.t("stage_final", publisher=self.publisher))
        anywhere = [self.anywhere_text(action) for action in self.p.actions]
        if anywhere:
            self.para(self.t("anywhere"))
            self.items(anywhere)

    def move_text(self, move: Move) -> str:
        label = self.action_label(move.action)
        if move.outcome is not None:
            label = self.t("if_outcome", label=label, outcome=self.t(f"outcome.{move.outcome}"))
        if move.action.when_closed:
            label = self.t("after_closing", label=label)
        return self.t("goes_to_stage", label=label, target=self.stage_label(move.target))

    def anywhere_text(self, action: Action) -> str:
        label = self.action_label(action)
        if action.goes_to is not None and action.goes_to in self.p.stage_by_key:
            return self.t("goes_to_stage", label=label, target=self.stage_label(action.goes_to))
        if action.closes:
            if action.outcomes:
                label = f"{label} ({self.outcomes(action.outcomes, 'or')})"
            return self.t("closes_case", label=label)
        return label

    def condition(self, when: Condition) -> list[str]:
        found: list[str] = []
        if when.subject_role is not None:
            found.append(self.t("cond_subject_role", role=lower_first(self.role(when.subject_role))))
        if when.involved is not None:
            found.append(self.t("cond_involved", role=lower_first(self.role(when.involved))))
        if when.nature is not None:
            found.append(self.t("cond_nature", value=markdown_escape(when.nature.replace("_", " "))))
        if when.category is not None:
            found.append(self.t("cond_category", value=markdown_escape(when.category.replace("_", " "))))
        if when.kind is not None:
            found.append(self.t("cond_kind", kind=self.t(f"kind.{when.kind}")))
        if when.channel is not None:
            found.append(self.t("cond_channel", channel=self.t(f"channel.{when.channel}")))
        return found

    def rule(self, when: Condition, assign: str, label: Text | None, colleague: bool) -> str:
        del colleague  # the rule's own label says "a colleague manager"; without one, the role is what counts
        assignee = self.x(label) if label is not None else self.role(assign)
        conditions = join_words(self.condition(when), self.lang)
        return self.t("stage_rule", conditions=upper_first(conditions), assignee=assignee)

    def people(self) -> None:
        self.heading(2, self.t("h_people"))
        self.para(self.t("people_intro"))
        self.items(
            [
                f"{self.role(role)}: {self.x(spec.description)}" if spec.description else self.role(role)
                for role, spec in self.p.roles.items()
            ]
        )

    def terms(self) -> None:
        self.heading(2, self.t("h_terms"))
        if not self.p.terms:
            self.para(self.t("terms_none"))
            return
        self.para(self.t("terms_intro"))
        self.items([self.term(term) for term in self.p.terms])

    def term(self, term: Term) -> str:
        if term.must is not None:
            who = self.x(term.must).rstrip(" .")
        elif term.party == "subject":
            who = self.t("party_subject")
        elif term.party == "external_body":
            who = self.t(
                "party_external_body", body=upper_first(self.body_name(term_stage(self.p, term).external_body))
            )
        else:
            who = self.t(f"event.{term.met_by[0]}.done")
            if term.party == "complainant" and not who.startswith(self.t("party_complainant").split()[0]):
                who = self.t("party_complainant")
        if ", " in who and (term.must is not None or term.met_by[0] in TRAILING_PHRASE_EVENTS):
            who += ","  # close the trailing phrase: "our final position, with reasons, within fourteen days"
        since = self.t(f"event.{term.anchor}.since")
        sentences = [
            f"**{self.x(term.label)}.**",
            self.t("term_sentence", who=who, duration=duration_words(term.duration, self.lang), since=since),
        ]
        if term.occurrence == "latest":
            sentences.append(self.t("term_latest"))
        conditions = self.term_conditions(term)
        if conditions:
            sentences.append(self.t("term_only_if", conditions=join_words(conditions, self.lang)))
        if term.warn_only:
            sentences.append(self.t("term_target"))
        if term.pausable:
            sentences.append(self.t("term_paused"))
        extension = term.extension
        if extension is not None:
            sentences.append(self.t("extension", duration=duration_words(extension.max_total, self.lang)))
            if extension.max_count == 1:
                sentences.append(self.t("extension_once"))
            elif extension.max_count is not None:
                sentences.append(self.t("extension_times", count=extension.max_count))
            if extension.reasons_required:
                sentences.append(self.t("extension_reasons"))
            if extension.notify_complainant:
                sentences.append(self.t("extension_notify"))
        missed = term.on_missed
        if missed is not None:
            if missed.letter is not None:
                sentences.append(self.t("missed_letter"))
            if missed.opens is not None:
                sentences.append(self.t("missed_opens", body=self.body_name(missed.opens)))
            sentences.append(self.x(missed.text))
        return " ".join(sentence for sentence in sentences if sentence)

    def term_conditions(self, term: Term) -> list[str]:
        when = term.applies_when
        if when is None:
            return []
        found: list[str] = []
        if when.happened:
            events = join_words([self.t(f"event.{e}.since") for e in when.happened], self.lang)
            found.append(self.t("cond_happened", events=events))
        if when.not_happened:
            events = join_words([self.t(f"event.{e}.since") for e in when.not_happened], self.lang, conjunction="or")
            found.append(self.t("cond_not_happened", events=events))
        if when.kinds:
            kinds = join_words([self.t(f"kind.{kind}") for kind in when.kinds], self.lang, conjunction="or")
            found.append(self.t("cond_kinds", kinds=kinds))
        if when.anchor_outcome:
            found.append(self.t("cond_outcome", outcomes=self.outcomes(when.anchor_outcome, "or")))
        if when.facts is not None:
            found.extend(self.t("cond_only", condition=c) for c in self.condition(when.facts))
        return found

    def letters(self) -> None:
        mine = [letter for letter in self.p.letters if "complainant" in letter.to]
        if not mine:
            return
        self.heading(2, self.t("h_letters"))
        self.para(self.t("letters_intro"))
        self.items(
            [
                self.t("letter_oral", label=self.x(letter.label))
                if letter.form == "written_or_oral"
                else self.x(letter.label)
                for letter in mine
            ]
        )

    def not_satisfied(self) -> None:
        self.heading(2, self.t("h_not_satisfied"))
        onward: list[str] = []
        candidates = [
            *moves(self.p),
            *(Move("", target, action, outcome) for action, target, outcome in anywhere_moves(self.p)),
        ]
        for move in candidates:
            target = self.p.stage_by_key.get(move.target)
            if target is None or (target.kind not in ONWARD_KINDS and move.action.event not in ONWARD_EVENTS):
                continue
            line = self.onward(move, target)
            if line not in onward:
                onward.append(line)
        internal_first = self.p.admissibility.internal_first
        if onward or self.p.external_bodies:
            self.para(self.t("not_satisfied_intro"))
            self.items(onward)
        else:
            self.para(self.t("not_satisfied_none"))
        if internal_first is not None:
            self.para(self.t("internal_first", text=self.x(internal_first.text)))
        if self.p.external_bodies:
            self.para(self.t("external_intro"))
        for body in self.p.external_bodies:
            self.external(body)

    def onward(self, move: Move, target: Stage) -> str:
        label = self.action_label(move.action)
        if move.outcome is not None:
            label = self.t("if_outcome", label=label, outcome=self.t(f"outcome.{move.outcome}"))
        if target.external_body is not None and target.external_body in self.p.external_body_by_key:
            return self.t("escalation_body", label=label, body=self.body_name(target.external_body))
        return self.t("escalation", label=label, target=self.x(target.label), roles=self.roles(target.handled_by))

    def external(self, body: ExternalBody) -> None:
        self.heading(3, self.x(body.name))
        self.para(self.x(body.description))
        if body.available_when is not None:
            self.para(self.t("external_when", text=self.x(body.available_when)))
        for limit in body.time_limits:
            since = self.t(f"event.{limit.counted_from}.since")
            self.para(
                self.t("external_limit", duration=duration_words(limit.duration, self.lang), since=since),
                self.x(limit.text),
            )
        if body.binding is not None:
            self.para(self.t("external_binding" if body.binding else "external_not_binding"))
        lines = self.contact_lines(body.contact)
        if lines:
            self.para(self.t("external_contact"))
            self.items(lines)
        else:
            self.para(self.t("external_no_contact"))

    def contact_lines(self, contact: Contact | None) -> list[str]:
        lines: list[str] = []
        if contact is None:
            return lines
        if contact.attention:
            lines.append(self.t("contact_attention", value=markdown_escape(contact.attention)))
        if contact.address:
            lines.append(self.t("contact_address", value=", ".join(markdown_escape(a) for a in contact.address)))
        if contact.email:
            lines.append(self.t("contact_email", value=_link(contact.email, _EMAIL)))
        if contact.phone:
            lines.append(self.t("contact_phone", value=markdown_escape(contact.phone)))
        if contact.website:
            lines.append(self.t("contact_website", value=_link(contact.website, _URL)))
        return lines

    def confidentiality(self) -> None:
        """The commitments; the complaint is only called confidential when the file promises it."""
        if not self.p.commitments:
            return
        if any(is_confidentiality(commitment.key) for commitment in self.p.commitments):
            self.heading(2, self.t("h_confidentiality"))
            self.para(self.t("confidential"))
        else:
            self.heading(2, self.t("h_commitments"))
            self.para(self.t("commitments_intro"))
        self.items([self.x(commitment.text) for commitment in self.p.commitments])

    def learning(self) -> None:
        if not self.p.reporting:
            return
        self.heading(2, self.t("h_learning"))
        lines = []
        for report in self.p.reporting:
            to = join_words([self.recipient(r) for r in report.to], self.lang)
            key = "report_anonymised" if report.anonymised else "report"
            line = self.t(key, label=self.x(report.label), period=self.t(f"period.{report.every}"), to=to)
            if report.contents:
                contents = join_words([self.t(f"content.{content}") for content in report.contents], self.lang)
                line = f"{line} {self.t('report_contents', contents=contents)}"
            note = self.x(report.note)
            lines.append(f"{line} {note}" if note else line)
        self.items(lines)

    def recipient(self, name: str) -> str:
        if name in self.p.roles:
            return self.role(name)
        key = f"recipient.{name}"
        return self.t(key) if key in _recipient_keys() else markdown_escape(name.replace("_", " "))

    def about(self) -> None:
        self.heading(2, self.t("h_about"))
        implements = self.p.implements
        self.para(
            self.t(
                "about",
                version=self.p.version,
                valid_from=date_words(self.p.valid_from, self.lang),
                document=self.x(implements.document),
                publisher=self.publisher,
            ),
            self.t("about_until", valid_until=date_words(self.p.valid_until, self.lang)) if self.p.valid_until else "",
        )


def is_confidentiality(key: str) -> bool:
    """Whether a commitment is the procedure's confidentiality promise: key `confidentiality` or `*_confidentiality`."""
    return key == "confidentiality" or key.endswith("_confidentiality")


def _recipient_keys() -> frozenset[str]:
    return frozenset(key for key in CATALOGUE if key.startswith("recipient."))


def _link(value: str, pattern: re.Pattern[str]) -> str:
    """An autolink when `value` is a plain web address or email address, else the escaped text."""
    value = clean(value)
    if pattern.fullmatch(value):
        return f"<{value}>"
    return markdown_escape(value)
