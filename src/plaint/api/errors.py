"""One error shape for every refusal the API gives: `{"code", "detail", "errors": {field: [messages]}, ...extra}`.

`exception_handler` (settings `REST_FRAMEWORK["EXCEPTION_HANDLER"]`) turns Plaint's own errors (services raise
`PlaintError`, with its status) and Django REST framework's (validation, authentication, permission, not found,
throttling, malformed JSON) into that shape, rendered in the request's language. A Django `ValidationError` that
reaches a view (a model's or a form's check) is a 400 and a body over the size limit a 413, in the same shape.

Answers Django gives before or after a view (no such address, a malformed request, a crash) are JSON under `/api/`
too: `plaint.config.urls` names `page_not_found`, `bad_request`, `permission_denied` and `server_error` below as its
handlers, and they hand every other path to Django's own pages. Anything else is a bug and stays a 500 (in JSON).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from plaint.api.fields import RequestTooLarge
from plaint.core.errors import PlaintError

INVALID_INPUT = _("The input is not valid; see the errors per field.")


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    if isinstance(exc, PlaintError):
        set_rollback()
        body = {"code": exc.code, "detail": str(exc.detail), "errors": flatten(exc.errors), **jsonable(exc.extra)}
        return Response(body, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        )
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers: dict[str, str] = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    extra: dict[str, Any] = {}
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        headers["Retry-After"] = str(int(wait))
        extra["retry_after"] = int(wait)
    if isinstance(exc, exceptions.ValidationError):
        detail: Any = INVALID_INPUT
        errors = flatten(
            exc.detail if isinstance(exc.detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
        )
        code = "invalid"
    else:
        detail = exc.detail
        errors = {}
        code = exc.default_code
        codes = exc.get_codes()
        if isinstance(codes, str):
            code = codes
    set_rollback()
    body = {"code": code, "detail": str(detail), "errors": errors, **extra}
    return Response(body, status=exc.status_code, headers=headers)


API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _json_error(request: HttpRequest, status: int, code: str, detail: Any) -> JsonResponse:
    translation.activate(translation.get_language_from_request(request))
    response = JsonResponse({"code": code, "detail": str(detail), "errors": {}}, status=status)
    response.headers["Content-Language"] = translation.get_language()
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """`handler404`: no such address (or a path parameter out of range) under /api/ is a 404 in the error shape."""
    if _is_api(request):
        return _json_error(request, 404, "not_found", exceptions.NotFound.default_detail)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """`handler400`: a request Django refused before the view (a body over the size limit: 413)."""
    if _is_api(request):
        if isinstance(exception, RequestDataTooBig):
            return _json_error(request, 413, RequestTooLarge.default_code, RequestTooLarge.default_detail)
        return _json_error(request, 400, "bad_request", exceptions.ParseError.default_detail)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """`handler403`: the CSRF check and other refusals Django makes outside DRF."""
    if _is_api(request):
        return _json_error(request, 403, "permission_denied", exceptions.PermissionDenied.default_detail)
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: a bug. Under /api/ still JSON, so a client never has to parse a page."""
    if _is_api(request):
        return _json_error(request, 500, "error", _("Something went wrong on our side; it has been logged."))
    return defaults.server_error(request)


def flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """`{"complainant": {"email": [...]}, "subjects": [{}, {"name": [...]}]}` → `{"complainant.email": [...], ...}`."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, Mapping):
        for key, value in errors.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(errors, list | tuple) and any(isinstance(item, Mapping | list | tuple) for item in errors):
        for index, item in enumerate(errors):
            flat.update(flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    elif isinstance(errors, list | tuple):
        flat[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(item) for item in errors]
    else:
        flat[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(errors)]
    return flat


def jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # lazy text, rendered in the active language


class ErrorOutput(serializers.Serializer[Any]):
    """Every refusal: a stable code, a sentence in the request's language, and messages per field."""

    code = serializers.CharField(help_text=_("Stable, for programs: invalid, not_found, stale_case, …"))
    detail = serializers.CharField(help_text=_("For people, in the request's language (Accept-Language)."))
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Messages per input field; nested fields are joined with dots (complainant.email)."),
    )
    allowed_actions = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("With action_not_allowed: the actions you may take on the case now."),
    )
    current_version = serializers.IntegerField(
        required=False, help_text=_("With stale_case: the version the case is at now; reload it.")
    )
    retry_after = serializers.IntegerField(required=False, help_text=_("With throttled: seconds to wait."))


_DESCRIPTIONS = {
    400: _("Invalid input: messages per field."),
    401: _("Not logged in: send a session cookie or an `Authorization: Token …` header."),
    403: _("Logged in, but not allowed."),
    404: _("No such case, or not one of your organisations' cases."),
    409: _(
        "Conflict: the procedure does not allow this action now (allowed_actions lists what is), or the case "
        "changed since you read it (stale_case, with current_version)."
    ),
    429: _("Too many requests: wait retry_after seconds."),
    503: _("Not available just now (the virus scanner, when one is configured); try again later."),
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The documented error responses of an operation, all in the one error shape."""
    return {status: OpenApiResponse(ErrorOutput, description=str(_DESCRIPTIONS[status])) for status in statuses}
