from django.db import migrations

from cloudfactory.textsearch.key_tables import key_table_operation


class Migration(migrations.Migration):
    dependencies = [("users", "0007_search_key_with_role")]

    operations = [key_table_operation("users_tenantuser", ("role",))]
