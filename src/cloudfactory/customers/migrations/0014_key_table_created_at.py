from django.db import migrations

from cloudfactory.textsearch.key_tables import key_table_rebuild_operation


class Migration(migrations.Migration):
    dependencies = [("customers", "0013_gram_counts")]

    operations = [
        key_table_rebuild_operation(
            "customers_customer", ("type", "status"), carried=("created_at",)
        )
    ]
