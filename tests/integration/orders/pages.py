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
    """The result count as shown: "55" or "10,000+"."""
    match = re.search(rf'id="result-count">\s*([\d,]+\+?) {noun}', html)
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


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body[len(BOM) :].decode(), newline="")))
