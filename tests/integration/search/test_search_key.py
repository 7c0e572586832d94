"""The search key PostgreSQL's trigram index is built on (separators spelled
in letters) must never lose a row: every piece of a record's text finds it."""

import pytest
from django.db import connection

from cloudfactory.customers.queries import CUSTOMERS, CustomerFilter
from cloudfactory.text import fold
from cloudfactory.textsearch import sample
from cloudfactory.textsearch.indexes import SPELLED, search_key, search_key_sql
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TRICKY = "Qq Quinn-O'Brien & Co., q_q+q/q 100% Ærø"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_the_database_spells_the_key_as_python_does():
    text = "".join(SPELLED) + " " + fold(TRICKY) + " \\%_ züñ"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {search_key_sql('%s::text')}", [text])
        assert cursor.fetchone()[0] == search_key(text)


@pytest.fixture(params=["queried", "kept"])
def judged(request, monkeypatch):
    """Pieces judged by a sampling query each time, or by the process's kept
    sample (which larger tables use, and which chooses the key's parts)."""
    sample.forget_samples()
    if request.param == "kept":
        monkeypatch.setattr(sample, "CACHED_FROM", 0)
        monkeypatch.setattr(sample, "KEPT_SECONDS", 0)
    yield request.param
    sample.forget_samples()


def test_every_piece_of_a_record_finds_it(judged):
    customer = CustomerFactory(
        name=TRICKY, email="q.q-q_q+q@q-q.example", company_name="Q & Q / Sons"
    )
    CustomerFactory(name="Someone Else", email="else@example.com")
    text = customer.search_text
    pieces = {text[i : i + n] for n in (3, 4, 6) for i in range(len(text) - n + 1)}
    missed = [
        piece
        for piece in sorted(pieces)
        if customer.pk
        not in [c.pk for c in CUSTOMERS.page(CustomerFilter(q=piece), limit=5).rows]
    ]
    assert missed == []


def test_each_way_of_asking_the_index_keeps_the_key_s_parts_in_order():
    piece = "an o'brien-qu@x.io"
    for option in sample.key_options(piece):
        at = 0
        for part in option:
            at = search_key(piece).index(part, at) + len(part)


def test_a_kept_sample_asks_for_the_rarer_word():
    kept = sample.Sample(size=1e6, texts=["joan and ann"] * 50 + ["juna sturm"])
    parts, found = kept.key_segments("juna st")
    assert found == pytest.approx(1 / 51)  # only juna sturm's key
    assert all(kept._key_share(part) == pytest.approx(1 / 51) for part in parts)
    parts, _ = kept.key_segments("r and")
    assert parts != ["and"]


def test_a_kept_sample_counts_rows_not_occurrences():
    kept = sample.Sample(
        size=1e6,
        texts=["sheila cross sheila.cross@example.com", "anna smith", "sheila"],
    )
    assert kept.holding("sheil") == (2, 3)
    assert kept.holding("qxz") == (0, 3)
    assert kept.key_segments("sheil")[1] == pytest.approx(2 / 3)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's sample")
def test_a_kept_sample_reads_rows_from_every_part_of_the_table(monkeypatch):
    monkeypatch.setattr(sample, "SAMPLE_ROWS", 10)
    customers = CustomerFactory.create_batch(40)
    sample.forget_samples()
    texts = sample._read_sample("customers_customer").texts
    assert len(texts) == 10
    positions = sorted([c.search_text for c in customers].index(text) for text in texts)
    assert positions[0] < 20 <= positions[-1]
    assert sample._read_sample("customers_customer").texts == texts


def test_a_kept_sample_judges_a_common_piece_on_its_first_holders():
    # 400 holders among the first 800 texts, none after: judged on those 800
    # (the texts come shuffled, so they stand for the table).
    front = sample.Sample(size=1e6, texts=["abc", "xyz"] * 400 + ["xyz"] * 1_200)
    assert front.holding("abc") == (sample.ENOUGH, 799)
    # A rarer piece is judged on every text.
    rare = sample.Sample(size=1e6, texts=["abc one"] + ["xyz two"] * 1_999)
    assert rare.holding("abc") == (1, 2_000)


def test_the_key_table_looks_up_a_piece_whose_trigrams_are_common():
    # 'illin': each of its trigrams in many keys, the piece in few.
    texts = ["william lin"] * 300 + ["phillip ellis"] * 300 + ["ada gillingham"]
    kept = sample.Sample(size=1e6, texts=texts + ["ada smith"] * 399)
    assert kept.keyed_lookup_cheaper("illin", holders=1 / 1_000, kept=1.0)
    # 'gham': trigrams as rare as the piece, which find its rows alone.
    assert not kept.keyed_lookup_cheaper("gham", holders=1 / 1_000, kept=1.0)
