from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cloudfactory.demo"
    label = "demo"
