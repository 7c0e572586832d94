from django.db import migrations

from cloudfactory.textsearch.indexes import respelled_key_index


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("customers", "0005_search_key_index")]

    operations = respelled_key_index("customers_customer")
