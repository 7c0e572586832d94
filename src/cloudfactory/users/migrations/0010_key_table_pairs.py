from django.db import migrations

from cloudfactory.textsearch.key_tables import key_table_rebuild_operation


class Migration(migrations.Migration):
    dependencies = [("users", "0009_key_table_in_filter_order")]

    operations = [key_table_rebuild_operation("users_tenantuser", ("role",))]
