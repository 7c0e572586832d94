"""The "for this customer" filter that the Users, Orders, Invoices and Support
lists share: a URL parameter `customer=<id>` shown as a removable chip."""

from collections.abc import Callable, Mapping

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cloudfactory.customers.models import Customer
from cloudfactory.web.list_parts import Chip


class CustomerChoiceField(forms.IntegerField):
    """`?customer=<id>` -> the Customer (id and name: the filter keeps its id,
    the chip shows its name); a clear sentence when there is none."""

    default_error_messages = {
        "invalid": "The customer filter must be a customer number, like customer=42.",
        "missing": "Customer #%(id)s does not exist; it may have been removed.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(**kwargs)
        self.error_messages["min_value"] = self.error_messages["invalid"]

    def clean(self, value) -> Customer | None:
        pk = super().clean(value)
        if pk is None:
            return None
        customer = Customer.objects.filter(pk=pk).only("id", "name").first()
        if customer is None:
            raise forms.ValidationError(
                self.error_messages["missing"], code="missing", params={"id": pk}
            )
        return customer


def customer_chips(cleaned_data: Mapping) -> list[Chip]:
    """The chip of the customer filter, when one is set."""
    customer = cleaned_data.get("customer")
    if customer is None:
        return []
    return [
        Chip(
            label=f"Customer: {customer.name}", field="customer", value=str(customer.pk)
        )
    ]


def isolated(text: str) -> SafeString:
    """Typed text set apart from the sentence around it (bidi isolation)."""
    return format_html("<bdi>{}</bdi>", text)


def customer_records_empty_title(noun: str, status_labels: dict[str, str]) -> Callable:
    """A ListPage `empty_title` naming what matched nothing:
    "No overdue invoices of Acme Corp match “42”"."""

    def empty_title(f, cleaned: Mapping) -> SafeString:
        kind = f"{status_labels[f.status].lower()} {noun}" if f.status else noun
        title = format_html("No {}", kind)
        if cleaned.get("customer") is not None:
            title = format_html("{} of {}", title, isolated(cleaned["customer"].name))
        if f.q:
            title = format_html("{} match “{}”", title, isolated(f.q))
        return title

    return empty_title
