"""Factories for the organisations app (and procedure adoptions, which belong to an organisation)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import factory
import pytest

import plaint.procedures
from plaint.access.models import User
from plaint.organisations.models import ExternalBody, Membership, Organisation, OrganisationalUnit, Person, Role
from plaint.procedures.models import ProcedureAdoption


def bundle_procedures(monkeypatch: pytest.MonkeyPatch, directory: Path, *procedure_ids: str) -> Path:
    """Point `plaint.procedures.BUNDLED_DIR` at `directory`, holding a minimal file for each of `procedure_ids`."""
    directory.mkdir(parents=True, exist_ok=True)
    for procedure_id in procedure_ids:
        (directory / f"{procedure_id}.yaml").write_text(f"id: {procedure_id}\n", encoding="utf-8")
    monkeypatch.setattr(plaint.procedures, "BUNDLED_DIR", directory)
    return directory


class ExternalBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalBody
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Ombudsman {n}")
    kind = ExternalBody.Kind.OMBUDSMAN


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    reference_prefix = factory.Sequence(lambda n: "O" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    jurisdiction = "NL"
    time_zone = "Europe/Amsterdam"
    default_language = "nl"
    supported_languages = factory.LazyFunction(lambda: ["nl", "en"])

    class Params:
        uk = factory.Trait(
            jurisdiction="GB-ENG", time_zone="Europe/London", default_language="en", supported_languages=["en"]
        )
        provider = factory.Trait(provides_complaints_service=True)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationalUnit

    organisation = factory.SubFactory(OrganisationFactory)
    kind = OrganisationalUnit.Kind.DEPARTMENT
    name = factory.Sequence(lambda n: f"Unit {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "Plaint-test-2025")

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda person: f"{person.name.lower().replace(' ', '.')}@example.org")

    class Params:
        with_login = factory.Trait(user=factory.SubFactory(UserFactory))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    job_title = "Employee"

    @factory.post_generation
    def roles(obj: Membership, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            obj.roles.set(Role.objects.filter(code__in=extracted))


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureAdoption

    organisation = factory.SubFactory(OrganisationFactory)
    procedure_id = "xs2more"
    version = 1
    active_from = dt.date(2025, 1, 1)
