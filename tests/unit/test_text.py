import pytest

from cloudfactory.text import fold, search_text


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
