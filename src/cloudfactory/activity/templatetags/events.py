"""Links from log entries to the records they are about."""

from django import template

from cloudfactory.activity import messages

register = template.Library()


@register.filter
def reference_url(event) -> str:
    """The URL of the order, invoice or ticket `event` names, or ""."""
    return messages.reference_url(event) or ""


@register.filter
def customer_url(customer_id) -> str:
    """The Customers page with customer `customer_id`'s panel open."""
    return messages.customer_url(int(customer_id)) if customer_id else ""
