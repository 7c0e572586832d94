from django.db import migrations

from cloudfactory.textsearch.key_tables import key_table_refill_operation


class Migration(migrations.Migration):
    dependencies = [("customers", "0010_key_table")]

    operations = [key_table_refill_operation("customers_customer")]
