"""Token authentication that reads the user's person and their scope with the token (one query, not three): every
case operation asks for the actor's person (`access.rules.person_of`) and their memberships, roles and the clients
of the firms they work for (`access.roles`), which then find them on the user object."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from plaint.access.roles import remember_scope, scope_annotations


class PersonTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's, with the user's person and scope joined in."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = (
            Token.objects.select_related("user__person")
            .annotate(**scope_annotations("user__person__id"))
            .filter(key=key)
            .first()
        )
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)  # DRF's refusal, in its words
        user = token.user
        with contextlib.suppress(ObjectDoesNotExist):  # a login without a person (a superuser)
            person = user.person
            user._plaint_person = person  # read with the token: `person_of` needs no query
            remember_scope(user, person.pk, token.plaint_scope_memberships, token.plaint_scope_clients)
        return user, token
