"""The one set of filters that formats numbers, money and times everywhere."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from cloudfactory import money

register = template.Library()


@register.filter
def number(value) -> str:
    """1284 -> "1,284"."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}"


@register.filter
def money_exact(minor, currency=None) -> str:
    if minor is None:
        return ""
    return money.format_money(int(minor), currency or None)


@register.filter
def money_compact(minor, currency=None) -> str:
    if minor is None:
        return ""
    return money.format_money_compact(int(minor), currency or None)


@register.filter
def day(value: datetime | None) -> str:
    """ "12 Mar 2025" in the staff member's time zone."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%-d %b %Y")


@register.filter
def moment(value: datetime | None) -> str:
    """ "12 Mar 2025, 14:03 CET": the exact time, for tooltips."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%-d %b %Y, %H:%M:%S %Z")


@register.filter
def ago(value: datetime | None) -> str:
    """ "3 days ago"."""
    if value is None:
        return ""
    return f"{timesince(value).split(',')[0]} ago"
