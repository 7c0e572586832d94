from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StaffConfig(AppConfig):
    name = "cloudfactory.staff"
    label = "staff"
    verbose_name = "Platform staff"

    def ready(self) -> None:
        from cloudfactory.staff.roles import roles_sync_after_migrate

        # Groups need the permissions, which Django creates after migrating.
        post_migrate.connect(roles_sync_after_migrate, sender=self)
