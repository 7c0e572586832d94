"""The Users, Orders, Invoices and Support list partials (`--pages records`).

The customers and pieces searched are taken from the bench database itself:
the largest customer (most users; most orders for the other pages) and a
typical one (the median count among customers that have any), a user's name
and email, an order's, an invoice's and a ticket's number from the middle of
their tables.
"""

from urllib.parse import urlencode

from django.db import connection


def _one(sql: str, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _customers(column: str) -> tuple[int, int, int, int]:
    """(largest id, its count, typical id, its count) by `column`."""
    big = _one(
        f"SELECT id, {column} FROM customers_customer ORDER BY {column} DESC LIMIT 1"
    )
    having = _one(f"SELECT COUNT(*) FROM customers_customer WHERE {column} > 0")[0]
    median = _one(
        f"SELECT {column} FROM customers_customer WHERE {column} > 0 "
        f"ORDER BY {column} LIMIT 1 OFFSET %s",
        having // 2,
    )[0]
    typical = _one(
        f"SELECT id FROM customers_customer WHERE {column} = %s ORDER BY id LIMIT 1",
        median,
    )[0]
    return big[0], big[1], typical, median


def _middle(table: str, columns: str) -> tuple:
    """A row from the middle of `table` (by id)."""
    top = _one(f"SELECT max(id) FROM {table}")[0]
    return _one(
        f"SELECT {columns} FROM {table} WHERE id >= %s ORDER BY id LIMIT 1", top // 2
    )


def record_scenarios(scenario) -> list:
    by_users = _customers("users_count")
    by_orders = _customers("orders_count")
    name, email = _middle("users_tenantuser", "name, email")
    order = _middle("orders_order", "number")[0]
    invoice = _middle("invoices_invoice", "number")[0]
    ticket = _middle("support_ticket", "number")[0]
    name_piece = name.split()[-1].lower()

    def customer_cases(counts, noun):
        big, big_n, typical, typical_n = counts
        return [
            ("Customer", f"largest ({big_n} {noun})", {"customer": big}),
            ("Customer", f"typical ({typical_n} {noun})", {"customer": typical}),
        ]

    def number_cases(number):
        return [
            ("Search", "full number", {"q": number}),
            ("Search", "number prefix", {"q": number.rsplit("-", 1)[0]}),
            ("Search", "customer name piece", {"q": "gmbh"}),
            ("Search", "customer name piece", {"q": "schmidt"}),
        ]

    pages = {
        "/users": [
            *customer_cases(by_users, "users"),
            ("Search", "name piece", {"q": name_piece}),
            ("Search", "email", {"q": email.lower()}),
            ("Filter", "", {"role": "owner"}),
        ],
        "/orders": [
            *customer_cases(by_orders, "orders"),
            *number_cases(order),
            *(("Filter", "", {"status": s}) for s in ("pending", "refunded")),
            ("Filter", "with customer", {"status": "paid", "customer": by_orders[0]}),
        ],
        "/invoices": [
            *customer_cases(by_orders, "orders"),
            *number_cases(invoice),
            ("Filter", "", {"status": "overdue"}),
            ("Filter", "with customer", {"status": "paid", "customer": by_orders[0]}),
        ],
        "/support": [
            *customer_cases(by_orders, "orders"),
            ("Search", "subject word", {"q": "export"}),
            ("Search", "ticket number", {"q": ticket}),
            ("Filter", "", {"status": "open"}),
            ("Filter", "", {"priority": "urgent"}),
            ("Filter", "", {"status": "open", "priority": "urgent"}),
        ],
    }
    out = []
    for path, cases in pages.items():
        out.append(scenario(f"{path}", "(none)", {}, path=path))
        for kind, what, params in cases:
            label = "?" + urlencode(params) + (f" ({what})" if what else "")
            out.append(scenario(f"{path}", f"{kind}: {label}", params, path=path))
    return out
