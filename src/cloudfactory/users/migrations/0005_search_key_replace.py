from django.db import migrations

from cloudfactory.textsearch.indexes import respelled_key_index


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("users", "0004_search_key_one_letter_separators")]

    operations = respelled_key_index("users_tenantuser")
