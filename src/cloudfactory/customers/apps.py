from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "cloudfactory.customers"
    label = "customers"
