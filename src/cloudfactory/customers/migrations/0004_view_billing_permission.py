"""customers.view_billing: card details and billing addresses are shown only to
the roles that hold it (staff/roles.py; Django creates the permission after
migrating, then the roles are re-applied)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_filter_sort_indexes")]

    operations = [
        migrations.AlterModelOptions(
            name="customer",
            options={
                "permissions": [
                    (
                        "change_status",
                        "Can suspend, reactivate or deactivate a customer",
                    ),
                    ("export_customer", "Can export customers"),
                    ("view_billing", "Can see card details and billing addresses"),
                ]
            },
        )
    ]
