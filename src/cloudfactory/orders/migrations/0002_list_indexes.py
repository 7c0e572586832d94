from django.db import migrations, models


class Migration(migrations.Migration):
    """Indexes the Orders list walks (measured at 2.9M orders).

    A status filter sorted by placed date walked the whole placed index when
    the status is rare among recent orders (0.2-0.3 s); sorting by total sorted
    the whole table (2-3 s). placed_at rides along in the total index so a
    placed range is checked in the index rather than in each table row.
    """

    dependencies = [("orders", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["status", "placed_at", "id"], name="order_status_placed"
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["total_minor", "id", "placed_at"], name="order_total"
            ),
        ),
    ]
