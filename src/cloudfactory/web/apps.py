from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cloudfactory.web"
    label = "web"
