from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. The person behind it (memberships, roles) is `organisations.Person`."""

    language = models.CharField(
        _("language"), max_length=8, choices=[("en", _("English")), ("nl", _("Dutch"))], default="en"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


from plaint.access.models_audit import AuditChainHead, AuditRecord  # noqa: E402, F401 - the audit trail
