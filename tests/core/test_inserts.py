"""`insert_row` and `update_where` (core/inserts.py): the hot paths' INSERT and UPDATE write what `save()` and
`update()` write, and never skip a model's signal receivers (on PostgreSQL they bypass the SQL compiler; elsewhere
they are `save()` and `update()`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models.signals import post_save

from plaint.core.inserts import insert_row, update_where
from plaint.portal.models import Submission
from tests.api.conftest import at
from tests.cases.factories import organisation_running, register, staff

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)
NOW = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


@pytest.fixture
def case():
    with at(DAY):
        org = organisation_running("xs2more", name="Xs2more")
        return register(org, staff(org, "administrator"), summary="Inserted")


def test_insert_row_stores_the_row_and_sets_its_key(case):
    submission = insert_row(Submission(key="k-1", case=case, created_at=NOW))
    assert submission.pk is not None and not submission._state.adding
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.key, stored.case_id, stored.created_at) == ("k-1", case.pk, NOW)


def test_a_model_with_receivers_goes_through_save_so_none_is_skipped(case):
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.key, created))

    post_save.connect(receiver, sender=Submission, dispatch_uid="test_inserts")
    try:
        insert_row(Submission(key="k-2", case=case, created_at=NOW))
    finally:
        post_save.disconnect(dispatch_uid="test_inserts", sender=Submission)
    assert seen == [("k-2", True)]


def test_update_where_updates_only_the_matching_row(case):
    first = insert_row(Submission(key="k-3", case=case, created_at=NOW))
    later = NOW + dt.timedelta(hours=1)
    assert update_where(Submission, {"created_at": later}, pk=first.pk, key="other") == 0
    assert update_where(Submission, {"created_at": later}, pk=first.pk, key="k-3") == 1
    assert Submission.objects.get(pk=first.pk).created_at == later
