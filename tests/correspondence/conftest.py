"""A real SMTP server in the test process (aiosmtpd on 127.0.0.1, a free port) that Django sends to, and a
Workers Union organisation with managers to copy compliments to (WU-01)."""

from __future__ import annotations

import datetime as dt
import email
import socket
from email.message import EmailMessage
from email.policy import default
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiosmtpd.controller import Controller

from plaint.cases.services import PartyInput
from tests.cases.factories import organisation_running, person_of, register, staff
from tests.organisations.factories import UnitFactory

#: A Tuesday in England, well after the Workers Union procedure's adoption.
NOW = dt.datetime(2026, 3, 17, 10, 0, tzinfo=ZoneInfo("Europe/London"))


class Mailbox:
    """The handler of the SMTP server: keeps what it accepted; answers with a queued reply (451, 550) first."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.data_replies: list[str] = []
        self.rcpt_reply: str | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        if self.rcpt_reply is not None:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_replies:
            return self.data_replies.pop(0)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, mailbox: Mailbox, port: int) -> None:
        self.mailbox = mailbox
        self.port = port
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings):
    """A running SMTP server; Django's SMTP backend points at it. `smtp.mailbox.messages` holds what arrived."""
    server = SmtpServer(Mailbox(), _free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Plaint <plaint@union.example>"
    yield server
    server.stop()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class Union:
    """The Workers Union: a desk that registers compliments, a Dutch-speaking unit manager, an English line manager."""

    def __init__(self) -> None:
        self.organisation = organisation_running("workers-union", slug="the-union", reference_prefix="WU")
        self.desk = staff(self.organisation, "intake_staff", name="Desk Officer")
        self.line_manager = staff(self.organisation, "manager", name="Lena Line")
        self.unit_manager = staff(self.organisation, "manager", name="Ulrich Unit")
        unit_person = person_of(self.unit_manager)
        unit_person.language = "nl"
        unit_person.email = "ulrich@union.example"
        unit_person.save()
        line_person = person_of(self.line_manager)
        line_person.language = "en"
        line_person.email = "lena@union.example"
        line_person.save()
        self.worker = staff(self.organisation, "intake_staff", line_manager=line_person, name="Wendy Worker")
        self.unit = UnitFactory(organisation=self.organisation, name="Member Support", manager=unit_person)

    def compliment(self, *subjects: PartyInput, **fields: Any):
        return register(
            self.organisation,
            self.desk,
            kind="compliment",
            channel="email",
            subjects=subjects,
            summary=fields.pop("summary", "Thanks for the help"),
            description=fields.pop(
                "description", "Wendy and Member Support helped me prepare for my meeting. I felt listened to."
            ),
            **fields,
        )

    def about_worker(self) -> PartyInput:
        return PartyInput(role="subject", person_id=person_of(self.worker).pk)

    def about_unit(self) -> PartyInput:
        return PartyInput(role="subject", unit_id=self.unit.pk)


@pytest.fixture
def union(db, frozen) -> Union:
    return Union()
