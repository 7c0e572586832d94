"""A member and their permissions read in one query.

Django's ModelBackend reads a signed-in member with one ORM query and their
permissions (their own, their groups') with two more, built anew each
request. This backend reads the member and the same permissions in one SQL
statement (docs/decisions.md).
"""

from functools import cache

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from cloudfactory.staff.models import StaffUser

# The permissions column of `_member_sql`: "app_label.codename ...".
PERMISSIONS = "cf_permissions"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


@cache
def _permissions_from_sql() -> str:
    """FROM and WHERE of a member's permissions, through their groups and
    their own, as rows of `ct` (ContentType) and `p` (Permission); the
    member's id is both parameters."""
    member_groups = StaffUser.groups.through
    member_permissions = StaffUser.user_permissions.through
    group_permissions = Group.permissions.through
    same_group = (
        f"mg.{_column(member_groups, 'group')} = "
        f"gp.{_column(group_permissions, 'group')}"
    )
    return (
        f"FROM {_table(Permission)} p "
        f"JOIN {_table(ContentType)} ct "
        f"ON ct.{_column(ContentType, 'id')} = p.{_column(Permission, 'content_type')} "
        f"WHERE p.{_column(Permission, 'id')} IN ("
        f"SELECT gp.{_column(group_permissions, 'permission')} "
        f"FROM {_table(group_permissions)} gp "
        f"JOIN {_table(member_groups)} mg "
        f"ON {same_group} "
        f"WHERE mg.{_column(member_groups, 'staffuser')} = %s "
        f"UNION SELECT mp.{_column(member_permissions, 'permission')} "
        f"FROM {_table(member_permissions)} mp "
        f"WHERE mp.{_column(member_permissions, 'staffuser')} = %s)"
    )


def _permissions_sql() -> str:
    """A member's permissions as (app_label, codename) rows."""
    return (
        f"SELECT ct.{_column(ContentType, 'app_label')}, "
        f"p.{_column(Permission, 'codename')} {_permissions_from_sql()}"
    )


@cache
def _member_sql(vendor: str) -> str:
    """A member's row and, as PERMISSIONS, their permissions joined by spaces;
    the member's id is all three parameters."""
    name = (
        f"ct.{_column(ContentType, 'app_label')} || '.' || "
        f"p.{_column(Permission, 'codename')}"
    )
    joined = (
        f"string_agg({name}, ' ')"
        if vendor == "postgresql"
        else f"group_concat({name}, ' ')"
    )
    return (
        f"SELECT m.*, (SELECT {joined} {_permissions_from_sql()}) AS {PERMISSIONS} "
        f"FROM {_table(StaffUser)} m WHERE m.{_column(StaffUser, 'id')} = %s"
    )


class StaffBackend(ModelBackend):
    """ModelBackend, with a member and their permissions read in one query."""

    def get_user(self, user_id):
        sql = _member_sql(connection.vendor)
        found = list(StaffUser._default_manager.raw(sql, [user_id] * 3))
        if not found or not self.user_can_authenticate(found[0]):
            return None
        member = found[0]
        granted = member.__dict__.pop(PERMISSIONS)
        if member.is_active and not member.is_superuser:
            member._perm_cache = set(granted.split(" ")) if granted else set()
        return member

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if (
            obj is not None
            or not user_obj.is_active
            or user_obj.is_anonymous
            or user_obj.is_superuser
        ):
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            with connection.cursor() as cursor:
                cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                user_obj._perm_cache = {
                    f"{app_label}.{codename}" for app_label, codename in cursor
                }
        return user_obj._perm_cache
