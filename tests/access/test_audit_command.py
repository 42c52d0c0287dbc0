"""`plaint audit verify` as an operator runs it: a real process on a migrated SQLite file, exit codes, no traceback."""

from __future__ import annotations

import sqlite3

from tests.core.plaint_processes import child_env, plaint

WRITE = """
from django.db import transaction
from plaint.access.audit_services import audit_record
for number in range(1, 6):
    with transaction.atomic():
        audit_record(actor=None, action="case.viewed", target_type="case", target_id=number)
"""


def test_verify_in_a_real_process(tmp_path):
    # Given a migrated SQLite database holding five audit records
    env = child_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/plaint.sqlite3")
    assert plaint("migrate", "--noinput", env=env).returncode == 0
    assert plaint("shell", "-c", WRITE, env=env).returncode == 0
    # when verified, then it is intact
    result = plaint("audit", "verify", env=env)
    assert (result.returncode, result.stdout) == (0, "audit trail intact: 5 records\n")
    # given one record altered and one deleted behind Plaint's back
    with sqlite3.connect(tmp_path / "plaint.sqlite3") as database:
        database.execute("UPDATE access_auditrecord SET target_id = '9' WHERE chain_sequence = 2")
        database.execute("DELETE FROM access_auditrecord WHERE chain_sequence = 4")
    # when verified, then each break is one line, the exit code is 1, and there is no traceback
    result = plaint("audit", "verify", env=env)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "[system] record 2: hash does not match its content (altered)",
        "[system] record 4 missing (gap in sequence)",
    ]
    assert "Traceback" not in result.stderr
