from django.db import migrations

from cloudfactory.textsearch.indexes import walked_index


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("users", "0005_search_key_replace")]

    operations = [walked_index("tenantuser", "users_tenantuser", "tenantuser_created")]
