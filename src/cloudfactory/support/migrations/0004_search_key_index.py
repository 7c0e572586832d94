from django.db import migrations

from cloudfactory.textsearch.indexes import key_trigram_index


class Migration(migrations.Migration):
    dependencies = [("support", "0003_filter_sort_indexes")]

    operations = [key_trigram_index("support_ticket")]
