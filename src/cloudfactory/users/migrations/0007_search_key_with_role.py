from django.db import migrations

from cloudfactory.textsearch.indexes import filtered_key_index


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("users", "0006_walked_index")]

    operations = filtered_key_index("users_tenantuser", ("role",))
