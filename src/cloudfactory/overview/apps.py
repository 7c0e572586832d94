from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "cloudfactory.overview"
    label = "overview"
