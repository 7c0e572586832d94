from django.db import migrations

from cloudfactory.textsearch.indexes import walked_index


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("customers", "0007_search_key_replace")]

    operations = [walked_index("customer", "customers_customer", "customer_created")]
