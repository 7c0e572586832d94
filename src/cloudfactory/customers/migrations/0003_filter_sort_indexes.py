"""An index for each filter (type, status, both) with each sort (created, name,
users), so a filtered, sorted page and a search's walk along it read the rows
of that filter in order and stop after a page.

Measured with bench/run.py (docs/benchmarks.md, "Customers page"):

- Individuals by most users: the most users belong to companies, so walking
  the users index for individuals passed 300,000 companies first: 580-2,100 ms
  at 1M customers on PostgreSQL; 0.1 ms along (type, users_count, id). With
  both filters the planner took (status, users_count, id) into the same trap
  (136 ms), hence (type, status, users_count, id).
- Type and status both: counting them (up to 10,001) read 15,000 table pages,
  23-150 ms at 1M; an index-only count along (type, status, created_at, id),
  2 ms.
- A status with the name or users sort: PostgreSQL walks the sort index and
  skips the other statuses, 20 rows per inactive one; with a search or a
  one-letter piece on top, 80-230 ms ('sm' among inactive customers by name);
  along (status, name, id) the walk reads only inactive rows.
- SQLite keeps no statistics unless ANALYZE runs, and its planner then takes
  the filter's index and sorts every row it selects: status=active by name
  100 ms, type=individual by name 50 ms at 100k customers; under 1 ms along
  (status, name, id) and (type, name, id).

At 1M customers on PostgreSQL the six take 280 MB and about 12 s to build.
"""

from django.db import migrations, models


def index(*fields: str, name: str) -> migrations.AddIndex:
    return migrations.AddIndex(
        model_name="customer", index=models.Index(fields=[*fields], name=name)
    )


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_search_index_and_total_slots")]

    operations = [
        index("type", "users_count", "id", name="customer_type_users"),
        index("type", "name", "id", name="customer_type_name"),
        index("status", "users_count", "id", name="customer_status_users"),
        index("status", "name", "id", name="customer_status_name"),
        index(
            "type", "status", "created_at", "id", name="customer_type_status_created"
        ),
        index("type", "status", "users_count", "id", name="customer_type_status_users"),
    ]
