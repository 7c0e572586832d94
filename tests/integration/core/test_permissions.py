import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from cloudfactory.staff.backends import StaffBackend
from cloudfactory.staff.models import StaffUser
from cloudfactory.staff.roles import ROLE_PERMISSIONS
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def fresh(user: StaffUser) -> StaffUser:
    """The member as a new request loads it: no permissions cached."""
    return StaffUser.objects.get(pk=user.pk)


@pytest.mark.parametrize("role", list(ROLE_PERMISSIONS))
def test_each_role_has_exactly_its_declared_permissions(role):
    member = StaffFactory(role=role)
    assert StaffBackend().get_all_permissions(fresh(member)) == set(
        ROLE_PERMISSIONS[role]
    )


def test_a_members_own_permissions_count_too_and_agree_with_django():
    member = StaffFactory(role="viewer")
    member.user_permissions.add(
        Permission.objects.get(
            codename="change_status", content_type__app_label="customers"
        )
    )
    ours = StaffBackend().get_all_permissions(fresh(member))
    assert "customers.change_status" in ours
    assert ours == ModelBackend().get_all_permissions(fresh(member))


def test_permissions_take_one_query_per_request(django_assert_num_queries):
    member = fresh(StaffFactory(role="support"))
    with django_assert_num_queries(1):
        assert member.has_perm("support.export_ticket")
        assert member.has_perm("customers.view_customer")
        assert not member.has_perm("orders.export_order")


def test_an_inactive_member_has_none_and_a_superuser_has_all():
    member = StaffFactory(role="admin")
    StaffUser.objects.filter(pk=member.pk).update(is_active=False)
    assert StaffBackend().get_all_permissions(fresh(member)) == set()
    StaffUser.objects.filter(pk=member.pk).update(is_active=True, is_superuser=True)
    assert (
        len(StaffBackend().get_all_permissions(fresh(member)))
        == Permission.objects.count()
    )


def test_a_role_change_takes_effect_on_the_next_request():
    member = StaffFactory(role="viewer")
    assert not fresh(member).has_perm("orders.export_order")
    StaffFactory(email=member.email, role="billing")
    assert fresh(member).has_perm("orders.export_order")


@pytest.mark.parametrize("role", ["viewer", "support", "admin"])
def test_a_member_arrives_with_their_permissions_in_one_query(
    role, django_assert_num_queries
):
    member = StaffFactory(role=role)
    member.user_permissions.add(
        Permission.objects.get(codename="view_order", content_type__app_label="orders")
    )
    with django_assert_num_queries(1):
        arrived = StaffBackend().get_user(member.pk)
        granted = arrived.get_all_permissions()
    assert arrived == member
    assert granted == ModelBackend().get_all_permissions(fresh(member))


def test_a_member_with_no_permissions_arrives_with_none(django_assert_num_queries):
    member = StaffFactory(role="viewer")
    member.groups.clear()
    with django_assert_num_queries(1):
        assert StaffBackend().get_user(member.pk).get_all_permissions() == set()


def test_an_inactive_superuser_or_missing_member_arrives_as_django_says():
    member = StaffFactory(role="admin")
    StaffUser.objects.filter(pk=member.pk).update(is_superuser=True)
    superuser = StaffBackend().get_user(member.pk)
    assert len(superuser.get_all_permissions()) == Permission.objects.count()
    StaffUser.objects.filter(pk=member.pk).update(is_active=False)
    assert StaffBackend().get_user(member.pk) is None
    assert ModelBackend().get_user(member.pk) is None
    assert StaffBackend().get_user(member.pk + 1000) is None
