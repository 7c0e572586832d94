from django.db import migrations

from cloudfactory.textsearch.indexes import respelled_key_index


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("support", "0004_search_key_index")]

    operations = respelled_key_index("support_ticket")
