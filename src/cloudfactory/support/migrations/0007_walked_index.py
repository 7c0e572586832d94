from django.db import migrations

from cloudfactory.textsearch.indexes import walked_index


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("support", "0006_search_key_replace")]

    operations = [walked_index("ticket", "support_ticket", "ticket_created")]
