"""`plaint demo load`: create the demo organisations, people, logins and cases (idempotent; `make run` calls it)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from plaint.demo import data
from plaint.demo.loader import demo_load


class Command(BaseCommand):
    help = (
        "Demo data. 'load' creates the demo organisations, units, people, logins and cases; running it again changes "
        "nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["load"], help="load: create whatever of the demo data is missing")
        parser.add_argument("--quiet", action="store_true", help="do not print the table of demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "load":  # pragma: no cover - argparse rejects other values
            raise CommandError(f"unknown action {options['action']}")
        from plaint.demo.cases import demo_cases_load
        from plaint.demo.correspondence import demo_actions
        from plaint.demo.routes import demo_routes_load

        result = demo_load()
        cases = demo_cases_load(actions=demo_actions())
        routes = demo_routes_load()
        cases.created += routes.created
        for warning in [*result.warnings, *cases.warnings, *routes.warnings]:
            self.stderr.write(self.style.WARNING(f"demo: {warning}"))
        self.stdout.write(f"Demo data: {result.created} rows created" if result.created else "Demo data: up to date")
        self.stdout.write(f"Demo cases: {cases.created} created" if cases.created else "Demo cases: up to date")
        if options["quiet"]:
            return
        width_user = max(len(login.username) for login in result.logins)
        width_org = max(len(login.organisation) for login in result.logins)
        self.stdout.write(f"{'username':<{width_user}}  {'organisation':<{width_org}}  roles")
        for login in result.logins:
            self.stdout.write(
                f"{login.username:<{width_user}}  {login.organisation:<{width_org}}  {', '.join(login.roles)}"
            )
        self.stdout.write(f"Password of every demo login: {data.DEMO_PASSWORD}")
