from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.backends.signals import connection_created


class WebConfig(AppConfig):
    name = "cloudfactory.web"
    label = "web"

    def ready(self) -> None:
        from cloudfactory.web.private_files import sqlite_files_private
        from cloudfactory.web.security import session_start

        connection_created.connect(
            sqlite_files_private, dispatch_uid="web.sqlite_files_private"
        )

        # The working day and the idle clock start at sign-in, in the same
        # session write as the sign-in itself.
        user_logged_in.connect(session_start, dispatch_uid="web.session_start")
