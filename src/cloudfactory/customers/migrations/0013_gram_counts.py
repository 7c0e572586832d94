from django.db import migrations

from cloudfactory.textsearch.gram_counts import gram_counts_operation


class Migration(migrations.Migration):
    dependencies = [("customers", "0012_key_table_pairs")]

    operations = [gram_counts_operation("customers_customer", ("type", "status"))]
