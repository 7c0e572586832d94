"""An index for each filter (type, status or both) with each sort (users, name,
created), so a filtered, sorted page reads one page of rows in order.

Measured (bench/run.py; docs/benchmarks.md):

- Individuals by most users: the most users belong to companies, so walking
  the users index passed 300,000 companies first: 2.1 s at 1M customers on
  PostgreSQL; 0.1 ms along (type, users_count, id). With both filters the
  planner took (status, users_count, id) into the same trap (136 ms), hence
  (type, status, users_count, id).
- Type and status both: counting them (up to 10,001) read 15,000 table pages,
  150 ms; an index-only count along (type, status, created_at, id), 2.5 ms.
- SQLite keeps no statistics unless ANALYZE runs, and its planner then takes
  the filter's index and sorts every row it selects: type=company by name
  97 ms, status=active by name 129 ms at 100k customers; under 1 ms along
  (type, name, id) and (status, name, id).
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
