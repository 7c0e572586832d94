from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "cloudfactory.support"
    label = "support"
