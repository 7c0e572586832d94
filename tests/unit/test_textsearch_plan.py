import math

from cloudfactory.textsearch.queries import (
    WINDOW,
    WINDOW_FACTOR,
    Estimate,
    _counts_beyond,
    further_window,
    walk_window,
)

MILLION = 1_000_000


def test_a_common_piece_is_walked_a_few_times_as_far_as_expected():
    # 'smith' at 1M: some 13,000 holders, a page every 4,000 rows walked.
    common = Estimate(rows=MILLION, matches=13_000, holders=13_000)
    expected = 51 * MILLION / 13_000
    assert walk_window(common, 51) == math.ceil(WINDOW_FACTOR * expected)


def test_a_rare_piece_is_looked_up_at_once():
    rare = Estimate(rows=MILLION, matches=1_700, holders=1_700)  # 'schmidt'
    assert walk_window(rare, 51) == 0


def test_dearer_lookups_move_the_border_towards_walking():
    # 'smi' for 201 rows: 12,800 rows walked against 15,700 holders looked up.
    piece = Estimate(rows=MILLION, matches=15_700, holders=15_700)
    assert walk_window(piece, 201, lookup_cost=1.0) > 0
    piece = Estimate(rows=MILLION, matches=12_000, holders=12_000)
    assert walk_window(piece, 201, lookup_cost=1.0) == 0
    assert walk_window(piece, 201, lookup_cost=3.0) > 0


def test_without_an_estimate_a_fixed_window_is_walked():
    assert walk_window(None, 51) == WINDOW


def test_a_whole_table_sample_with_too_few_matches_is_looked_up():
    small = Estimate(rows=40, matches=3, holders=3, exact=True)
    assert walk_window(small, 51, lookup_cost=1e9) == 0


def test_a_walk_that_still_owes_the_count_looks_the_piece_up_instead():
    # 5,000 holders of 1M: a page alone is cheaper walked; with the count of up
    # to 10,001 still to pay, one lookup gives both.
    piece = Estimate(rows=MILLION, matches=5_000, holders=5_000)
    assert walk_window(piece, 51, lookup_cost=3.0) > 0
    assert walk_window(piece, 51, lookup_cost=3.0, count_up_to=10_001) == 0


def test_the_count_owed_does_not_widen_the_walk():
    # 'ail.co' among active customers at 100k: walked, and only as far as a
    # page needs (a few hundred rows), count or not.
    piece = Estimate(rows=85_200, matches=14_860, holders=17_660)
    alone = walk_window(piece, 51, lookup_cost=1.5)
    assert alone == walk_window(piece, 51, lookup_cost=1.5, count_up_to=10_001)
    assert alone == math.ceil(WINDOW_FACTOR * 51 * 85_200 / 14_860)  # 1,170 rows


def test_a_count_the_sample_puts_far_above_the_cap_is_not_owed():
    common = Estimate(rows=MILLION, matches=40_000, holders=40_000, met=800)
    assert walk_window(common, 51, lookup_cost=3.0, count_up_to=10_001) > 0


def test_a_count_is_cap_plus_only_when_the_sample_is_sure_of_it():
    # 'smi' at 1M: 200 of the sample's rows met, 14,730 judged (15,692 hold it):
    # at least 11,000 by 3.5 deviations, so "10,000+" without counting.
    assert _counts_beyond(Estimate(MILLION, 14_730, 14_730, met=200), 10_001)
    # 'smith': 11,870 judged; 10,000 is within the sample's error, so counted.
    assert not _counts_beyond(Estimate(MILLION, 11_870, 11_870, met=237), 10_001)
    # The palette's cap of 1,000 needs fewer holders met, and more deviations.
    assert _counts_beyond(Estimate(MILLION, 3_000, 3_000, met=60), 1_001)
    assert not _counts_beyond(Estimate(MILLION, 1_400, 1_400, met=28), 1_001)
    assert not _counts_beyond(Estimate(MILLION, 20_000, 20_000), 10_001)
    exact = Estimate(40_000, 20_000, 20_000, exact=True, met=20_000)
    assert not _counts_beyond(exact, 10_001)


def test_a_walk_that_came_up_short_goes_on_as_far_as_the_lookup_would_cost():
    # 'hotm' at 4.7M users: 121,000 holders, but 4 in the newest 1,000.
    common = Estimate(rows=4_700_000, matches=121_000, holders=121_000)
    assert further_window(common, 1_000, lookup_cost=3.0) == 363_000


def test_a_walk_that_came_up_short_of_a_cheap_lookup_looks_it_up():
    rare = Estimate(rows=MILLION, matches=300, holders=300, found=400)
    assert further_window(rare, 1_000, lookup_cost=3.0) == 0
    assert further_window(None, 1_000, lookup_cost=3.0) == 0


def test_filters_anded_in_the_index_make_a_lookup_fetch_only_what_they_keep():
    # 'tac' among individuals at 1M: 102,000 holders (every company's
    # contact@), 1,192 of them individuals. Walked: some 17,000 rows; looked
    # up through the filters' index: 1,192 rows and the entries of 102,000.
    tac = dict(rows=400_000, matches=1_192, holders=102_000, found=102_000)
    assert walk_window(Estimate(**tac), 51, lookup_cost=3.0) > 0
    assert walk_window(Estimate(**tac, anded=True), 51, lookup_cost=3.0) == 0
    # A filter keeping most holders gains nothing from the index: walked.
    son = dict(rows=850_000, matches=50_000, holders=60_000, found=60_000)
    assert walk_window(Estimate(**son, anded=True), 51, lookup_cost=3.0) > 0
