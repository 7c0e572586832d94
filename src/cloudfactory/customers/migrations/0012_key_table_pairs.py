from django.db import migrations

from cloudfactory.textsearch.key_tables import key_table_rebuild_operation


class Migration(migrations.Migration):
    dependencies = [("customers", "0011_key_table_in_filter_order")]

    operations = [key_table_rebuild_operation("customers_customer", ("type", "status"))]
