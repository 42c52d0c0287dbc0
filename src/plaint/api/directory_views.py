"""`/api/organisations/{slug}/people/` and `/units/`: who and what a client can pick (a subject, a handler), for staff
of that organisation only, with what a picker needs and no contact details."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from plaint.api.errors import error_responses
from plaint.api.views import ApiView
from plaint.organisations.models import Organisation
from plaint.organisations.selectors import directory_people, directory_units, organisation_directory


class UnitRefOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PersonPickOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=_("The person's id, for `person` in subjects and `handler`."))
    name = serializers.CharField()
    unit = UnitRefOutput(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField(), help_text=_("Role codes held there today."))


class UnitPickOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text=_("The unit's id, for `unit` in subjects."))
    name = serializers.CharField()
    part_of = serializers.IntegerField(allow_null=True, help_text=_("The id of the unit it is part of."))


SLUG = OpenApiParameter(
    "slug",
    str,
    OpenApiParameter.PATH,
    required=True,
    pattern=r"^[-a-zA-Z0-9_]+$",
    description="The organisation's slug.",
)


def _organisation(request: Request, slug: str) -> Organisation:
    person = getattr(request.user, "person", None)
    organisation = organisation_directory(person=person, slug=slug)
    if organisation is None:
        raise exceptions.NotFound()
    return organisation


class PeopleView(ApiView):
    @extend_schema(
        operation_id="organisations_people_list",
        summary="The people of an organisation, for a picker",
        description=str(
            _(
                "The current members of an organisation: id, name, unit and role codes, never an email address or "
                "phone number. Only for staff of that organisation (404 otherwise)."
            )
        ),
        parameters=[SLUG],
        responses={200: PersonPickOutput(many=True), **error_responses(401, 404)},
        tags=["organisations"],
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(PersonPickOutput(directory_people(organisation=_organisation(request, slug)), many=True).data)


class UnitsView(ApiView):
    @extend_schema(
        operation_id="organisations_units_list",
        summary="The units of an organisation, for a picker",
        description=str(
            _("The organisation's units: id, name and the unit it is part of. Only for staff of that organisation.")
        ),
        parameters=[SLUG],
        responses={200: UnitPickOutput(many=True), **error_responses(401, 404)},
        tags=["organisations"],
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(UnitPickOutput(directory_units(organisation=_organisation(request, slug)), many=True).data)
