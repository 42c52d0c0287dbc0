"""Token authentication that reads the user's person with the token (one query, not two): every case operation asks
for the actor's person (`access.rules.person_of`), which then finds it on the user object."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


class PersonTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's, with the user's person joined in."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = Token.objects.select_related("user__person").filter(key=key).first()
        if token is None or not token.user.is_active:
            return super().authenticate_credentials(key)  # DRF's refusal, in its words
        user = token.user
        with contextlib.suppress(ObjectDoesNotExist):  # a login without a person (a superuser)
            user._plaint_person = user.person  # read with the token: `person_of` needs no query
        return user, token
