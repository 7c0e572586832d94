from django.db import migrations

from cloudfactory.textsearch.indexes import respelled_key_index


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("customers", "0006_search_key_one_letter_separators")]

    operations = respelled_key_index("customers_customer")
