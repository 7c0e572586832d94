from django.db import migrations

from cloudfactory.textsearch.key_tables import key_table_operation


class Migration(migrations.Migration):
    dependencies = [("customers", "0009_search_key_with_filters")]

    operations = [key_table_operation("customers_customer", ("type", "status"))]
