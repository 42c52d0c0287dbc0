"""The API's views: one class per operation, each with its own input and output serializer. Thin: validate the
input, call one service or selector, serialize the answer. Refusals are raised and shaped by `plaint.api.errors`.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from plaint.access import mfa
from plaint.access.audit_services import audit_source_from_request
from plaint.access.security_services import api_token_issue, api_token_revoke
from plaint.api.action_serializers import ACTIONS, ActionInput
from plaint.api.authentication import PersonTokenAuthentication
from plaint.api.errors import error_responses
from plaint.api.pagination import CasePagination
from plaint.api.presenters import case_presentation
from plaint.api.serializers import (
    CaseActedOutput,
    CaseDetailOutput,
    CaseFiltersInput,
    CaseRegisteredOutput,
    CaseRegisterInput,
    CaseSummaryOutput,
    ConsentInput,
    ConsentWithdrawalInput,
    TokenInput,
    TokenOutput,
)
from plaint.cases.errors import CaseNotFound
from plaint.cases.party_services import party_consent_record, party_consent_withdraw
from plaint.cases.selectors import case_detail, case_list, case_party, case_seen
from plaint.cases.services import case_act, case_register_once

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description=str(
        _(
            "Send the same key when retrying: the case is created once (201), a retry answers 200 with that case; "
            "the same key with a different request is a 409 (idempotency_key_reused)."
        )
    ),
)


class LanguageMixin:
    """Answer in the request's language (language cookie, else Accept-Language), English by default.

    The site's LocaleMiddleware gives every address outside `i18n_patterns` the default language, so the API, which has
    no language in its addresses, chooses for itself before authenticating (a 401 is translated too).
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        super().initial(request, *args, **kwargs)  # type: ignore[misc]

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        patch_vary_headers(response, ["Accept-Language"])
        response.headers["Content-Language"] = translation.get_language()
        return response


class ApiView(LanguageMixin, APIView):
    # Token first, so an anonymous request gets 401 with `WWW-Authenticate: Token` rather than a bare 403.
    authentication_classes = [PersonTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]


def detail_response(request: Request, case_id: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    """The case as the actor may see it; the read is recorded in the audit trail with where it came from."""
    presentation = case_presentation(
        actor=request.user,  # type: ignore[arg-type]
        case_id=case_id,
        source=audit_source_from_request(request),
    )
    return Response(CaseDetailOutput(presentation).data, status=status_code)


class CaseListView(ApiView):
    pagination_class = CasePagination

    @extend_schema(
        operation_id="cases_list",
        summary="List cases",
        description=str(
            _(
                "The cases of your organisations, soonest next due date first (cases without one last), paginated. "
                "Filters are query parameters; an unknown parameter or value is a 400."
            )
        ),
        parameters=[CaseFiltersInput],
        responses={200: CaseSummaryOutput(many=True), **error_responses(400, 401, 403, 404)},
        tags=["cases"],
    )
    def get(self, request: Request) -> Response:
        filters = CaseFiltersInput(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        cases = case_list(actor=request.user, filters=filters.filters())  # type: ignore[arg-type]
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(cases, request, view=self)
        assert page is not None
        return paginator.get_paginated_response(CaseSummaryOutput(page, many=True).data)


ACTED_FIELDS = ("id", "reference", "stage", "status", "outcome", "next_due", "version")
REGISTERED_FIELDS = (
    "id",
    "reference",
    "organisation",
    "kind",
    "channel",
    "received_at",
    "received_on",
    "stage",
    "status",
    "next_due",
    "version",
)


class CaseRegisterView(ApiView):
    @extend_schema(
        operation_id="cases_register",
        summary="Register a case",
        description=str(
            _(
                "Register a complaint, compliment or suggestion received by any channel (WU-02, XS-02). The case "
                "follows the procedure its organisation has in force on the day of receipt."
            )
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=CaseRegisterInput,
        responses={
            201: OpenApiResponse(
                CaseRegisteredOutput,
                description=str(_("Registered: the case's id, reference and version; its detail is at Location.")),
            ),
            200: OpenApiResponse(
                CaseRegisteredOutput, description=str(_("Already registered with this Idempotency-Key."))
            ),
            **error_responses(400, 401, 403, 409),
        },
        tags=["cases"],
    )
    def post(self, request: Request) -> Response:
        key = request.headers.get("Idempotency-Key") or None
        if key is not None and len(key) > 128:
            raise serializers.ValidationError({"Idempotency-Key": [_("At most 128 characters.")]})
        serializer = CaseRegisterInput(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        # The service decides whether this is a retry (200), a first request (201) or the key reused for another
        # request (409), also when retries race each other.
        registered = case_register_once(
            organisation=serializer.validated_data["organisation"],
            registration=serializer.registration(),
            actor=request.user,  # type: ignore[arg-type]
            idempotency_key=key,
            source=audit_source_from_request(request),
        )
        code = status.HTTP_201_CREATED if registered.created else status.HTTP_200_OK
        # Built from the case the service holds: nothing is read back (the full, audited detail is a GET away).
        case = registered.case
        url = reverse("api:case", kwargs={"case_id": case.pk})
        body = CaseRegisteredOutput({**{name: getattr(case, name) for name in REGISTERED_FIELDS}, "url": url}).data
        return Response(body, status=code, headers={"Location": url})


class CasesView(CaseListView, CaseRegisterView):
    """`/api/cases/`: the list (GET) and registration (POST), two operations on one address."""


class CaseDetailView(ApiView):
    @extend_schema(
        operation_id="cases_retrieve",
        summary="A case",
        description=str(
            _(
                "The case with its parties, terms, full history, agreements and measures; the actions you and every "
                "role may take now, letters due and warnings in the request's language."
            )
        ),
        responses={200: CaseDetailOutput, **error_responses(401, 403, 404)},
        tags=["cases"],
    )
    def get(self, request: Request, case_id: int) -> Response:
        return detail_response(request, case_id)


class CaseActionView(ApiView):
    """Take one action on a case. Subclassed once per action (`action_view`), each with its own input serializer."""

    action_name: str = ""
    input_serializer: type[ActionInput] = ActionInput

    def post(self, request: Request, case_id: int) -> Response:
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        source = audit_source_from_request(request)
        # The case and its parties (what the permission checks read); the detail is read after the action.
        case = case_seen(actor=request.user, case_id=case_id, source=source)  # type: ignore[arg-type]
        values: dict[str, Any] = serializer.validated_data
        acted = case_act(
            case=case,
            actor=request.user,  # type: ignore[arg-type]
            action=self.action_name,
            data=serializer.event_data(),
            expected_version=values["version"],
            on_behalf_of=values.get("on_behalf_of"),
            on=values.get("on"),
            note=values.get("note", ""),
            source=source,
        )
        # Built from the case the action left: the full, audited detail (history, terms, the actions allowed now) is
        # a GET away, at Location.
        url = reverse("api:case", kwargs={"case_id": acted.pk})
        body = CaseActedOutput({**{name: getattr(acted, name) for name in ACTED_FIELDS}, "url": url}).data
        return Response(body, status=status.HTTP_200_OK, headers={"Location": url})


def action_view(action: str, serializer: type[ActionInput]) -> type[CaseActionView]:
    """The view class of one action, with its own schema operation (`cases_act_<action>`)."""

    def post(self: CaseActionView, request: Request, case_id: int) -> Response:
        return CaseActionView.post(self, request, case_id)

    documented = extend_schema(
        operation_id=f"cases_act_{action}",
        summary=f"Record {action.replace('_', ' ')}",
        description=(serializer.__doc__ or "").strip()
        + "\n\n"
        + str(
            _(
                "Allowed only when the case's procedure allows it now and for your role: otherwise 409 with the "
                "actions that are allowed. Answers with the case's id, state and new version; the whole case is at "
                "Location."
            )
        ),
        request=serializer,
        responses={
            200: OpenApiResponse(
                CaseActedOutput,
                description=str(_("Recorded: the case's id, state and new version; its detail is at Location.")),
            ),
            **error_responses(400, 401, 403, 404, 409),
        },
        tags=["actions"],
    )(post)
    name = "".join(part.capitalize() for part in action.split("_"))
    return type(
        f"{name}ActionView",
        (CaseActionView,),
        {"action_name": action, "input_serializer": serializer, "post": documented, "__module__": __name__},
    )


class UnknownActionView(ApiView):
    """Any other action name: 400 naming the actions there are, rather than a bare 404 page."""

    @extend_schema(exclude=True)
    def post(self, request: Request, case_id: int, action: str) -> Response:
        message = _("Unknown action %(action)s; the actions are: %(actions)s.") % {
            "action": action,
            "actions": ", ".join(ACTIONS),
        }
        raise serializers.ValidationError({"action": [message]})


CONSENT_DESCRIPTION = _(
    "Nothing about the complainant goes to a representative or surviving relative until their written consent is "
    "recorded, and nothing more once it is withdrawn (WA-10). Recorded on the party and in the audit trail; the "
    "case's version does not change. Answers with the case."
)


class _ConsentView(ApiView):
    def _party(self, request: Request, case_id: int, party_id: int) -> tuple[Any, Any, Any]:
        source = audit_source_from_request(request)
        case = case_detail(actor=request.user, case_id=case_id, source=source)  # type: ignore[arg-type]
        party = case_party(case=case, party_id=party_id)
        if party is None:
            raise CaseNotFound()
        return case, party, source


class ConsentRecordView(_ConsentView):
    @extend_schema(
        operation_id="cases_party_consent_record",
        summary="Record a representative's written consent",
        description=str(CONSENT_DESCRIPTION),
        request=ConsentInput,
        responses={200: CaseDetailOutput, **error_responses(400, 401, 403, 404)},
        tags=["parties"],
    )
    def post(self, request: Request, case_id: int, party_id: int) -> Response:
        given = ConsentInput(data=request.data)
        given.is_valid(raise_exception=True)
        case, party, source = self._party(request, case_id, party_id)
        party_consent_record(
            case=case,
            party=party,
            given_on=given.validated_data["given_on"],
            actor=request.user,  # type: ignore[arg-type]
            source=source,
        )
        return detail_response(request, case.pk)


class ConsentWithdrawView(_ConsentView):
    @extend_schema(
        operation_id="cases_party_consent_withdraw",
        summary="Record that a representative's consent was withdrawn",
        description=str(CONSENT_DESCRIPTION),
        request=ConsentWithdrawalInput,
        responses={200: CaseDetailOutput, **error_responses(400, 401, 403, 404, 409)},
        tags=["parties"],
    )
    def post(self, request: Request, case_id: int, party_id: int) -> Response:
        given = ConsentWithdrawalInput(data=request.data)
        given.is_valid(raise_exception=True)
        case, party, source = self._party(request, case_id, party_id)
        party_consent_withdraw(
            case=case,
            party=party,
            withdrawn_on=given.validated_data["withdrawn_on"],
            actor=request.user,  # type: ignore[arg-type]
            source=source,
        )
        return detail_response(request, case.pk)


class TokenThrottle(AnonRateThrottle):
    scope = "token"
    rate = "20/minute"


def refuse_if_locked_out(request: Request, username: str) -> None:
    """429 like the login page's lockout (django-axes: AXES_FAILURE_LIMIT failures for this username from this
    address), the same whether or not the account exists, with the seconds to wait."""
    django_request = request._request
    AxesProxyHandler.update_request(django_request)
    if AxesProxyHandler.is_locked(django_request, {"username": username}):
        seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
        raise exceptions.Throttled(
            wait=seconds,
            detail=_("Too many attempts: wait %(minutes)s minutes, or ask an administrator.")
            % {"minutes": seconds // 60},
            code="locked_out",
        )


class TokenView(LanguageMixin, APIView):
    authentication_classes = [PersonTokenAuthentication, SessionAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        operation_id="auth_token_obtain",
        summary="Obtain an API token",
        description=str(
            _(
                "Exchange a username, password and second-factor code for a token; send it as "
                "`Authorization: Token <token>`."
            )
        ),
        request=TokenInput,
        responses={200: TokenOutput, **error_responses(400, 403, 429)},
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        given = TokenInput(data=request.data)
        given.is_valid(raise_exception=True)
        username = str(given.validated_data.get("username", ""))
        refuse_if_locked_out(request, username)
        credentials = AuthTokenSerializer(data=request.data, context={"request": request})
        if not credentials.is_valid():
            refuse_if_locked_out(request, username)  # this failure may be the one that locks the account out
            raise serializers.ValidationError(credentials.errors)
        user = credentials.validated_data["user"]
        # The second factor is required everywhere (plaint.access.mfa), so a token too needs one.
        if not mfa.has_second_factor(user):
            raise exceptions.PermissionDenied(
                _("Set up an authenticator app by logging in to Plaint first; then ask for a token with its code.")
            )
        code = given.validated_data.get("code", "")
        if not code:
            raise serializers.ValidationError(
                {"code": [_("Give a code of your authenticator app or a recovery code.")]}
            )
        if not mfa.verify_second_factor(user, code):
            raise serializers.ValidationError({"code": [_("This code is not valid.")]})
        token = api_token_issue(user=user, source=audit_source_from_request(request))
        return Response(TokenOutput({"token": token.key}).data)

    @extend_schema(
        operation_id="auth_token_revoke",
        summary="Revoke your API token",
        request=None,
        responses={204: None, **error_responses(401, 403, 429)},
        tags=["auth"],
    )
    def delete(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        api_token_revoke(user=request.user, source=audit_source_from_request(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
