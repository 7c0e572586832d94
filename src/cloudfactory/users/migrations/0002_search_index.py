from django.db import migrations

from cloudfactory.textsearch.indexes import trigram_index


class Migration(migrations.Migration):
    dependencies = [("users", "0001_initial")]

    operations = [trigram_index("users_tenantuser")]
