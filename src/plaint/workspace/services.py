"""The workspace's own commands: saving and removing a person's inbox views. Every case action goes through the cases
services (`case_act`, `case_register`, ...), never through here."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from plaint.access.models import User
from plaint.core.errors import InvalidInput, NotFound
from plaint.workspace.models import SavedView

#: The inbox parameters a saved view keeps (never the page).
SAVED_KEYS = (
    "scope",
    "search",
    "organisation",
    "kind",
    "stage",
    "status",
    "category",
    "cause",
    "handler",
    "channel",
    "overdue",
    "outcome",
    "received_from",
    "received_to",
    "unit",
    "commissioner",
    "closed_from",
    "closed_to",
    "handled_min",
    "handled_max",
)
MAX_SAVED_VIEWS = 50


def saved_view_save(*, actor: User, name: str, query: Mapping[str, str]) -> SavedView:
    """Save (or replace) one of the person's inbox views under `name`."""
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the view a name."), errors={"name": [_("Give the view a name.")]})
    kept = {key: str(query[key])[:200] for key in SAVED_KEYS if query.get(key)}
    with transaction.atomic():
        existing = SavedView.objects.filter(user=actor, name=name[:100]).first()
        if existing is None and SavedView.objects.filter(user=actor).count() >= MAX_SAVED_VIEWS:
            raise InvalidInput(
                _("You have saved the most views there may be; remove one first."),
                errors={"name": [_("You have saved the most views there may be; remove one first.")]},
            )
        view, _created = SavedView.objects.update_or_create(user=actor, name=name[:100], defaults={"query": kept})
    return view


def saved_view_delete(*, actor: User, view_id: int) -> None:
    """Remove one of the person's own saved views; another person's is `NotFound`."""
    deleted, _rows = SavedView.objects.filter(user=actor, pk=view_id).delete()
    if not deleted:
        raise NotFound(_("No such saved view."))


@transaction.atomic
def language_preference_set(*, actor: User, language: str) -> None:
    """The person's language (English or Dutch) for the workspace and the emails Plaint sends them: kept on their
    login and on their person (which the emails read). `InvalidInput` for another language."""
    from plaint.access.rules import person_of
    from plaint.organisations.services import person_set_language

    if language not in ("en", "nl"):
        raise InvalidInput(_("Choose English or Dutch."), errors={"language": [_("Choose English or Dutch.")]})
    actor.language = language
    actor.save(update_fields=["language"])
    person = person_of(actor)
    if person is not None:
        person_set_language(person=person, language=language)
