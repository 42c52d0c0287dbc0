"""Token authentication that reads the user's person and their scope with the token (one query, not three): every
case operation asks for the actor's person (`access.rules.person_of`) and their memberships, roles and the clients
of the firms they work for (`access.roles`), which then find them on the user object."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from plaint.access.roles import remember_scope, scope_annotations
from plaint.core import clock


@functools.lru_cache(maxsize=2)
def _tokens(utc_day: dt.date) -> QuerySet[Token]:
    """Tokens with their user, person and the person's scope, built once per day (the scope's window is around the
    day): building the three subqueries cost more than running them."""
    return Token.objects.select_related("user__person").annotate(**scope_annotations("user__person__id"))


class PersonTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's, with the user's person and scope joined in."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = _tokens(clock.now().date()).filter(key=key).first()
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)  # DRF's refusal, in its words
        user = token.user
        with contextlib.suppress(ObjectDoesNotExist):  # a login without a person (a superuser)
            person = user.person
            user._plaint_person = person  # read with the token: `person_of` needs no query
            remember_scope(user, person.pk, token)
        return user, token
