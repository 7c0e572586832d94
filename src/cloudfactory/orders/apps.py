from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "cloudfactory.orders"
    label = "orders"
