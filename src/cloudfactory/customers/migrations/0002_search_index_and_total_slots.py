from django.db import migrations

from cloudfactory.textsearch.indexes import trigram_index

SLOTS = 16


def create_slots(apps, schema_editor):
    PlatformTotals = apps.get_model("customers", "PlatformTotals")
    PlatformTotals.objects.bulk_create(PlatformTotals(slot=n) for n in range(SLOTS))


def delete_slots(apps, schema_editor):
    apps.get_model("customers", "PlatformTotals").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [
        trigram_index("customers_customer"),
        migrations.RunPython(create_slots, delete_slots),
    ]
