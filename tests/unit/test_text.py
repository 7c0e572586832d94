import random

import pytest

from cloudfactory.text import fold, search_text
from cloudfactory.textsearch.indexes import SPELLED, search_key


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Müller", "muller"),
        ("ÉLODIE  Brûlé", "elodie brule"),
        ("Straße", "strasse"),
        ("Łukasz Øster", "lukasz oster"),
        ("O'Brien & Søn", "o'brien & son"),
        ("", ""),
    ],
)
def test_fold_lowers_strips_accents_and_collapses_spaces(raw, folded):
    assert fold(raw) == folded


def test_search_text_joins_the_folded_fields_and_skips_empty_ones():
    assert search_text("Zoë", "", "ZOE@Example.com") == "zoe zoe@example.com"


def test_the_search_key_keeps_every_piece_of_a_text_in_its_key():
    rng = random.Random(7)
    alphabet = "".join(SPELLED) + "".join(SPELLED.values()) + "abqz9é"
    for _ in range(2_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        start = rng.randint(0, len(text))
        piece = text[start : rng.randint(start, len(text))]
        assert search_key(piece) in search_key(text)
    assert search_key("o@a q.b") == "oɑaɐqɒb"
