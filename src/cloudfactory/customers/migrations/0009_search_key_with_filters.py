from django.db import migrations

from cloudfactory.textsearch.indexes import filtered_key_index


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("customers", "0008_walked_index")]

    operations = filtered_key_index("customers_customer", ("type", "status"))
