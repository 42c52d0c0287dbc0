from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from plaint.access import (
    admin_audit,  # noqa: F401 - the audit trail, read only
    security_services,
)
from plaint.access.audit_services import audit_source_from_request
from plaint.access.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("Preferences"), {"fields": ("language",)}))


# Tokens and second-factor devices change through the audited security services, here as in the pages and the API.


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


class AuditedTokenAdmin(TokenAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        token = security_services.api_token_issue(
            user=obj.user, actor=_actor(request), source=audit_source_from_request(request)
        )
        obj.pk = token.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        security_services.api_token_revoke(
            user=obj.user, actor=_actor(request), source=audit_source_from_request(request)
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for token in queryset.select_related("user"):
            self.delete_model(request, token)


class _AuditedDeviceAdmin:
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        security_services.second_factor_device_save(
            device=obj, actor=_actor(request), source=audit_source_from_request(request)
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        security_services.second_factor_device_remove(
            device=obj, actor=_actor(request), source=audit_source_from_request(request)
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for device in queryset.select_related("user"):
            self.delete_model(request, device)


class AuditedTOTPDeviceAdmin(_AuditedDeviceAdmin, TOTPDeviceAdmin):  # type: ignore[misc]
    pass


class AuditedStaticDeviceAdmin(_AuditedDeviceAdmin, StaticDeviceAdmin):  # type: ignore[misc]
    pass


for _model, _admin in (
    (TokenProxy, AuditedTokenAdmin),
    (TOTPDevice, AuditedTOTPDeviceAdmin),
    (StaticDevice, AuditedStaticDeviceAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
