"""Reading the list pages as a browser would: rows, the count, every page."""

import csv
import io
import re

from cloudfactory.web.export import BOM


def row_ids(html: str, namespace: str) -> list[int]:
    return [int(pk) for pk in re.findall(rf'id="{namespace}-row-(\d+)"', html)]


def row_links(html: str) -> list[str]:
    """The text of each row's first cell, marks removed."""
    cells = [part.split("</a>")[0] for part in html.split('class="row-link"')[1:]]
    return [re.sub(r"<[^>]+>", "", cell.split(">", 1)[1]) for cell in cells]


def shown_count(html: str, noun: str) -> str:
    """The result count as shown: "55" or "10,000+" (of "orders", or "order" for 1)."""
    singular = noun.removesuffix("s")
    match = re.search(
        rf'id="result-count">\s*([\d,]+\+?) (?:{noun}|{singular})\b', html
    )
    assert match, f"no count of {noun} on the page"
    return match.group(1)


def next_url(html: str) -> str | None:
    if 'id="load-more"' not in html:
        return None
    href = html.split('id="load-more"')[1].split('href="')[1].split('"')[0]
    return href.replace("&amp;", "&")


def walk(client, path: str, params: dict, namespace: str) -> tuple[list[int], str]:
    """The ids of every row on every page, following "Load more" as htmx does;
    and the first page's HTML."""
    first = client.get(path, params).content.decode()
    ids, html = row_ids(first, namespace), first
    while (url := next_url(html)) is not None:
        response = client.get(path + url, headers={"HX-Request": "true"})
        assert response.status_code == 200
        html = response.content.decode()
        ids += row_ids(html, namespace)
    return ids, first


def ids_in_sort(model, sort: str, fields: dict[str, str]) -> list[int]:
    """Every id of `model` in a list's `sort` ("-placed"), its URL keys naming
    `fields`; ties broken by id as the keyset does."""
    direction = "-" if sort.startswith("-") else ""
    field = fields[sort.lstrip("-")]
    ordered = model.objects.order_by(f"{direction}{field}", f"{direction}id")
    return list(ordered.values_list("id", flat=True))


def listed_for_customer(client, path: str, namespace: str, customer) -> int:
    """Walk `customer`'s pre-filtered list; assert it shows exactly its badge
    counter (`<namespace>_count`), once each, under the customer's chip."""
    customer.refresh_from_db()
    badge = getattr(customer, f"{namespace}_count")
    ids, html = walk(client, path, {"customer": customer.pk}, namespace)
    assert len(ids) == len(set(ids)) == badge
    assert shown_count(html, namespace) == f"{badge:,}"
    assert f"Customer: {customer.name}" in html
    return badge


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body[len(BOM) :].decode(), newline="")))
