from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "cloudfactory.invoices"
    label = "invoices"
