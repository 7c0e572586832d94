from django.db import migrations

from cloudfactory.textsearch.indexes import key_trigram_index


class Migration(migrations.Migration):
    dependencies = [("users", "0002_search_index")]

    operations = [key_trigram_index("users_tenantuser")]
