"""PostgreSQL: a table kept in step with another by triggers (a key table, the
counts of short runs). Each has one trigger function, `<derived>_sync`, fired
after every insert, every update that changes what it copies, every delete
and a truncate; a bulk load pauses the four triggers and refills the table
once after it."""

_EVENTS = ("insert", "update", "delete", "truncate")


def sync_function(derived: str) -> str:
    return f"{derived}_sync"


def triggers_sql(table: str, derived: str, changed: str) -> list[str]:
    """The four triggers on `table` that call `derived`'s sync function; the
    update's only when `changed` (an SQL condition on OLD and NEW) holds."""
    sync = sync_function(derived)
    return [
        f"CREATE TRIGGER {sync}_insert AFTER INSERT ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {sync}()",
        f"CREATE TRIGGER {sync}_update AFTER UPDATE ON {table} "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {sync}()",
        f"CREATE TRIGGER {sync}_delete AFTER DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {sync}()",
        f"CREATE TRIGGER {sync}_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {sync}()",
    ]


def drop_sql(derived: str) -> list[str]:
    return [
        f"DROP TABLE IF EXISTS {derived}",
        f"DROP FUNCTION IF EXISTS {sync_function(derived)}() CASCADE",
    ]


def paused_sql(table: str, derived: str, pause: bool = True) -> str:
    """`derived`'s triggers on `table` disabled (a bulk load) or enabled again."""
    verb = "DISABLE" if pause else "ENABLE"
    sync = sync_function(derived)
    return f"ALTER TABLE {table} " + ", ".join(
        f"{verb} TRIGGER {sync}_{event}" for event in _EVENTS
    )


def tables_with(cursor, tables: list[str], suffix: str) -> list[str]:
    """Those of `tables` that have a table named `<table><suffix>`."""
    cursor.execute(
        "SELECT t FROM unnest(%s::text[]) t WHERE to_regclass(t || %s) IS NOT NULL",
        [tables, suffix],
    )
    return [row[0] for row in cursor.fetchall()]


def column_names(cursor, table: str) -> list[str]:
    """`table`'s columns as it is now, in order."""
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
        "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]
