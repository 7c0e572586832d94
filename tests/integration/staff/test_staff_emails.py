"""A staff email has one spelling: lower case, whatever was typed."""

import pytest
from django.db import IntegrityError

from cloudfactory.staff.models import StaffUser
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_a_staff_email_is_stored_in_lower_case():
    member = StaffUser.objects.create_user(" Ada@Example.COM", "long enough pw")

    member.refresh_from_db()
    assert member.email == "ada@example.com"


def test_a_staff_member_is_found_by_email_in_any_capitals():
    member = StaffFactory(email="ada@example.com")

    assert StaffUser.objects.get_by_natural_key("ADA@example.Com") == member


def test_the_database_refuses_an_email_with_capitals():
    member = StaffFactory()

    with pytest.raises(IntegrityError):
        StaffUser.objects.filter(pk=member.pk).update(email="Ada@Example.com")


def test_saving_a_member_keeps_the_one_spelling():
    member = StaffFactory()
    member.email = "Grace@Example.com"
    member.save()

    member.refresh_from_db()
    assert member.email == "grace@example.com"


def test_a_second_member_with_the_same_email_in_other_capitals_is_refused():
    StaffFactory(email="ada@example.com")

    with pytest.raises(IntegrityError):
        StaffUser.objects.create_user("ADA@example.com", "long enough pw")
