from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0002_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["-created_at", "-id"], name="event_time"),
        ),
    ]
