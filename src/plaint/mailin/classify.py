"""Small, documented judgements on a parsed message: automatic replies (RFC 3834 and the usual vendor headers),
mail loops, and the language of a text (docs/mail.md)."""

from __future__ import annotations

import re
from email.message import EmailMessage

#: `Precedence` values that mark mail no person wrote to us (RFC 3834 section 2, common practice).
AUTO_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
#: Headers that vendors put on vacation and out-of-office replies.
AUTO_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")
#: Our own mark on mail we send; seeing it coming back in means a loop.
LOOP_HEADER = "X-Plaint-Loop"
#: More hops than this is a loop between mail servers.
MAX_HOPS = 30


def is_auto_reply(message: EmailMessage) -> bool:
    auto_submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if any(message.get(header) is not None for header in AUTO_HEADERS[:2]):
        return True
    if str(message.get("X-Auto-Response-Suppress", "")).strip().lower() in {"all", "oof", "autoreply"}:
        return True
    if str(message.get("Precedence", "")).strip().lower() in AUTO_PRECEDENCE:
        return True
    if message.get("List-Id") is not None:
        return True
    return str(message.get("Return-Path", "")).strip() == "<>"


def is_loop(message: EmailMessage, own_addresses: set[str], sender: str) -> bool:
    if message.get(LOOP_HEADER) is not None:
        return True
    if sender.lower() in own_addresses:
        return True
    return len(message.get_all("Received") or []) > MAX_HOPS


_WORDS = re.compile(r"[a-zà-ÿ]+")
#: Frequent short words of each language; the language with more of them in the text wins.
STOPWORDS = {
    "nl": frozenset(
        [
            "de",
            "het",
            "een",
            "en",
            "van",
            "ik",
            "je",
            "is",
            "niet",
            "dat",
            "op",
            "te",
            "met",
            "voor",
            "zijn",
            "maar",
            "ook",
            "mijn",
            "wij",
            "we",
            "er",
            "bij",
            "om",
            "naar",
            "heb",
            "heeft",
            "u",
            "uw",
            "was",
            "werd",
            "nog",
            "geen",
            "klacht",
            "wel",
            "dit",
            "die",
            "deze",
            "als",
            "over",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "a",
            "an",
            "and",
            "of",
            "i",
            "you",
            "is",
            "not",
            "that",
            "on",
            "to",
            "with",
            "for",
            "are",
            "but",
            "also",
            "my",
            "we",
            "there",
            "at",
            "about",
            "have",
            "has",
            "your",
            "was",
            "were",
            "no",
            "complaint",
            "this",
            "these",
            "as",
            "it",
            "be",
            "by",
        ]
    ),
}


def guess_language(text: str, *, supported: list[str], default: str) -> str:
    """The supported language whose stopwords occur most often in the text; the default on a tie or no words."""
    words = _WORDS.findall(text.lower())
    scores = {language: sum(word in STOPWORDS[language] for word in words) for language in STOPWORDS}
    candidates = [language for language in supported if language in scores]
    if not candidates:
        return default
    best = max(candidates, key=lambda language: scores[language])
    if scores[best] == 0 or sum(scores[best] == scores[other] for other in candidates) > 1:
        return default
    return best
