"""The fault test of the letters issue: a real worker (`plaint worker`, Huey on the run's queue: Redis when REDIS_URL
is set) is killed with SIGKILL while it sends 1,000 queued letters (each with its PDF) to a real SMTP server; after a
restart every letter was delivered exactly once, or is listed as unconfirmed for a person to decide (never sent twice
by the machine), and the test counts both."""

from __future__ import annotations

import asyncio
import collections
import json
import os
import signal
import textwrap

import pytest
from aiosmtpd.controller import Controller

from tests.core.plaint_processes import Children, child_env, free_port, own_database, plaint, wait_for
from tests.correspondence.conftest import Mailbox

pytestmark = pytest.mark.multiprocess

LETTERS = 1_000

SEED = """
from django.db import transaction
from plaint.correspondence.letters.catalogue import bundled_procedure, render_sample
from plaint.correspondence.services import email_queue
from tests.organisations.factories import OrganisationFactory
letter = render_sample(bundled_procedure("workare"), "outcome", "nl")
organisation = OrganisationFactory()
with transaction.atomic():
    for number in range({count}):
        email_queue(organisation=organisation, kind="letter", dedupe_key=f"kill:{{number}}",
            recipient_email=f"person{{number}}@example.org", language="nl", subject=letter.subject,
            body_text=letter.text, body_html=letter.html, attachment=letter.pdf, attachment_name="brief.pdf")
print("seeded")
"""

STATUS = """
import json
from django.db.models import Count
from plaint.correspondence.models import OutboundEmail
print(json.dumps(dict(OutboundEmail.objects.values_list("status").annotate(n=Count("pk")))))
"""

AFTER_LEASE = """
import datetime as dt, json, time_machine
from django.utils import timezone
from plaint.correspondence.models import OutboundEmail
from plaint.correspondence.services import outbox_sweep
with time_machine.travel(timezone.now() + dt.timedelta(minutes=11), tick=False):
    outbox_sweep(batch=5000)
print(json.dumps({"ids": {e.message_id: e.status for e in OutboundEmail.objects.all()}}))
"""


class SlowMailbox(Mailbox):
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.005)  # a mail server that takes a moment, so the kill lands mid-run
        return await super().handle_DATA(server, session, envelope)


def _shell(code: str, env: dict[str, str]) -> str:
    done = plaint("shell", "-c", textwrap.dedent(code), env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_a_worker_killed_while_sending_1000_letters_sends_none_twice(tmp_path):
    mailbox = SlowMailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    children = Children(tmp_path)
    try:
        with own_database(tmp_path) as variables:
            env = child_env(tmp_path, **variables, EMAIL_URL=f"smtp://127.0.0.1:{port}")
            env["PYTHONPATH"] = os.getcwd()
            migrated = plaint("migrate", "--noinput", "-v0", env=env, timeout=300)
            assert migrated.returncode == 0, migrated.stderr
            assert _shell(SEED.format(count=LETTERS), env) == "seeded"
            # When the worker has sent part of them, it is killed outright
            worker = children.start("worker", "worker", env=env)
            try:
                wait_for(lambda: len(mailbox.messages) >= LETTERS // 4, "a quarter of the letters", timeout=240)
            except AssertionError as error:
                raise AssertionError(f"{error}\n{children.outputs()}") from None
            os.killpg(worker.process.pid, signal.SIGKILL)
            worker.process.wait(timeout=30)
            at_kill = len(mailbox.messages)
            # and a new worker takes over
            children.start("worker-2", "worker", env=env)

            def settled() -> bool:
                counts = json.loads(_shell(STATUS, env))
                return counts.get("queued", 0) == 0 and set(counts) <= {"sent", "sending", "unconfirmed"}

            wait_for(settled, "the new worker to send the rest", timeout=300)
            # After the lease, what the killed worker held is unconfirmed, never sent again by itself
            statuses = json.loads(_shell(AFTER_LEASE, env))["ids"]
    finally:
        children.stop_all()
        controller.stop()
    delivered = collections.Counter(message["Message-ID"] for message in mailbox.messages)
    sent = [message_id for message_id, status in statuses.items() if status == "sent"]
    unconfirmed = [message_id for message_id, status in statuses.items() if status == "unconfirmed"]
    print(f"killed after {at_kill} letters; sent {len(sent)}, unconfirmed {len(unconfirmed)}")
    assert len(statuses) == LETTERS
    assert len(sent) + len(unconfirmed) == LETTERS  # every letter is one or the other
    assert all(count == 1 for count in delivered.values())  # none arrived twice
    assert all(delivered[message_id] == 1 for message_id in sent)  # every sent one arrived exactly once
    assert all(delivered[message_id] <= 1 for message_id in unconfirmed)  # a person checks these
    assert all(message.get_content_type() == "multipart/mixed" for message in mailbox.messages[:5])
