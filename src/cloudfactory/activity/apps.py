from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "cloudfactory.activity"
    label = "activity"
