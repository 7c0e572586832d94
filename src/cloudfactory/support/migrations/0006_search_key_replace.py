from django.db import migrations

from cloudfactory.textsearch.indexes import respelled_key_index


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("support", "0005_search_key_one_letter_separators")]

    operations = respelled_key_index("support_ticket")
