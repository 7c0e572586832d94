from django.db import migrations

from cloudfactory.textsearch.key_tables import key_table_refill_operation


class Migration(migrations.Migration):
    dependencies = [("users", "0008_key_table")]

    operations = [key_table_refill_operation("users_tenantuser")]
