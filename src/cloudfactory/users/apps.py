from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "cloudfactory.users"
    label = "users"
