"""One index per filter and sort the Support list offers, so that neither a
filter nor the sort by last update walks the whole table. Measured at 830,000
tickets on PostgreSQL 15: the sort by last update 350-720 ms -> 3 ms, a rare
status 90-130 ms -> 1 ms, a search within a priority sorted by last update
140-400 ms -> 30 ms.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("support", "0002_search_index")]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["updated_at", "id"], name="ticket_updated"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["status", "created_at", "id"], name="ticket_status_created"
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["status", "updated_at", "id"], name="ticket_status_updated"
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["priority", "created_at", "id"], name="ticket_priority_created"
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["priority", "updated_at", "id"], name="ticket_priority_updated"
            ),
        ),
    ]
