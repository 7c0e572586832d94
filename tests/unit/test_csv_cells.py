import csv
import io
from datetime import UTC, date, datetime

import pytest

from cloudfactory.web.export import (
    BOM,
    crlf_rows,
    csv_filename,
    csv_header,
    csv_lines,
    neutralise,
)


@pytest.mark.parametrize(
    "formula",
    ['=HYPERLINK("http://evil.test")', "+1", "-2", "@SUM(A1)", "\tcmd", "\rcmd"],
)
def test_cells_a_spreadsheet_would_run_get_a_leading_quote(formula):
    assert neutralise(formula) == "'" + formula


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("Acme;=1+1", "Acme;'=1+1"),
        ('x;"=1', "x;'\"=1"),
        ("a;-b;@c;+d;\te", "a;'-b;'@c;'+d;'\te"),
        (";=1", ";'=1"),
    ],
)
def test_what_follows_a_semicolon_cannot_start_a_formula(text, cell):
    # Read with `;` as the separator, each `;` starts a new cell.
    assert neutralise(text) == cell


@pytest.mark.parametrize(
    "text",
    [
        "Smith; Jones",
        "Acme Corp",
        "Ann-Marie",
        "a=b",
        " =1",
        "'quoted",
        "1+1",
        "",
        "Zoë",
    ],
)
def test_other_cells_are_left_as_they_are(text):
    assert neutralise(text) == text


def test_rows_end_in_crlf_and_every_cell_is_quoted():
    lines = csv_lines([["Smith, Jones", 'Say "hi"', "plain", 3, None, ""]])
    assert lines == b'"Smith, Jones","Say ""hi""","plain","3","",""\r\n'


def test_a_semicolon_stays_inside_its_quoted_cell():
    assert csv_lines([["Acme;=1+1", "x"]]) == b'"Acme;=1+1","x"\r\n'


def test_lines_are_utf8_and_read_back_unchanged():
    row = ["Zoë Müller", "Ångström 東京 🚀", "O'Brien"]
    text = csv_lines([row]).decode("utf-8")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [row]


def test_the_header_starts_with_a_byte_order_mark_and_is_neutralised():
    assert csv_header(["Name", "-Total"]) == BOM + b'"Name","\'-Total"\r\n'
    assert BOM == b"\xef\xbb\xbf"


def test_copy_output_becomes_crlf_rows_and_is_counted():
    blocks = [b'"a","1"\n', memoryview(b'"b, c","2"\n'), b'"d","3"\n']
    assert crlf_rows(blocks) == (b'"a","1"\r\n"b, c","2"\r\n"d","3"\r\n', 3)
    assert crlf_rows([]) == (b"", 0)


def test_the_file_name_carries_the_date():
    assert csv_filename("customers", date(2025, 3, 12)) == "customers-2025-03-12.csv"


def test_the_file_name_is_dated_today_in_utc():
    today = datetime.now(UTC).date()
    assert csv_filename("orders") == f"orders-{today.isoformat()}.csv"
