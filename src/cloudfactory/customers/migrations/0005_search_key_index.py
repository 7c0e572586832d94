from django.db import migrations

from cloudfactory.textsearch.indexes import key_trigram_index


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_view_billing_permission")]

    operations = [key_trigram_index("customers_customer")]
