from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from cloudfactory.staff.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved(data: dict) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_a_session_reads_back_what_was_saved_in_one_query(django_assert_num_queries):
    key = saved({"member": 7, "name": "Zoë <b>"})
    with django_assert_num_queries(1):
        assert SessionStore(key).load() == {"member": 7, "name": "Zoë <b>"}
    assert DjangoStore(key).load() == {"member": 7, "name": "Zoë <b>"}


def test_an_expired_session_reads_empty_and_loses_its_key():
    key = saved({"member": 7})
    Session.objects.filter(pk=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


@pytest.mark.parametrize("key", ["unknown-key-0123456789", None])
def test_an_unknown_or_missing_key_reads_empty(key):
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_a_session_whose_data_was_tampered_with_reads_empty():
    key = saved({"member": 7})
    Session.objects.filter(pk=key).update(session_data="not-signed-data")
    assert SessionStore(key).load() == {}
