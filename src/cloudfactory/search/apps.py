from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "cloudfactory.search"
    label = "search"
