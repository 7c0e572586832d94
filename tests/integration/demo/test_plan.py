"""The demo plans, before any database: the mix, determinism and the rules."""

from collections import Counter
from statistics import mean

import pytest

from cloudfactory.demo.chunks import ChunkSource, Job
from cloudfactory.demo.plan import CHUNK_SIZE, SPAN, customer_plans
from cloudfactory.demo.pools import build_pools
from cloudfactory.text import search_text

from .conftest import NOW

SAMPLE = 3_000


@pytest.fixture(scope="module")
def plans():
    return list(customer_plans(build_pools(1), 1, SAMPLE, NOW))


def test_the_mix_is_about_60_percent_companies_and_85_percent_active(plans):
    types = Counter(p.type for p in plans)
    statuses = Counter(p.status for p in plans)
    assert 0.57 < types["company"] / SAMPLE < 0.63
    assert 0.82 < statuses["active"] / SAMPLE < 0.88
    assert 0.08 < statuses["suspended"] / SAMPLE < 0.12
    assert 0.03 < statuses["inactive"] / SAMPLE < 0.07


def test_companies_have_a_long_tail_of_users_and_individuals_one_to_three(plans):
    company_users = [len(p.users) for p in plans if p.type == "company"]
    individual_users = {len(p.users) for p in plans if p.type == "individual"}
    assert 5 <= mean(company_users) <= 10
    assert min(company_users) >= 1 and max(company_users) >= 100
    assert individual_users == {1, 2, 3}


def test_invoices_are_mostly_paid_with_some_of_every_other_status(plans):
    statuses = Counter(i.status for p in plans for i in p.invoices)
    assert statuses["paid"] / statuses.total() > 0.8
    assert {"open", "overdue", "void", "draft"} <= set(statuses)


def test_names_have_accents_and_apostrophes(plans):
    names = [p.name for p in plans] + [u.name for p in plans for u in p.users]
    assert any("'" in name for name in names)
    assert sum(not name.isascii() for name in names) > len(names) / 20


def test_a_company_name_is_the_legal_name_of_a_company_and_an_employer_or_empty(plans):
    companies = [p for p in plans if p.type == "company"]
    individuals = [p for p in plans if p.type == "individual"]
    assert all(
        p.company_name.startswith(p.name) and p.company_name != p.name
        for p in companies
    )
    employers = sum(bool(p.company_name) for p in individuals)
    assert 0.3 < employers / len(individuals) < 0.7


def test_a_card_on_file_is_brand_last_four_and_expiry_only(plans):
    cards = [p for p in plans if p.card_brand]
    assert len(cards) > SAMPLE * 0.8
    assert {"Visa", "Mastercard", "Amex"} <= {p.card_brand for p in cards}
    assert all(len(p.card_last4) == 4 and p.card_last4.isdigit() for p in cards)
    assert all(1 <= p.card_exp_month <= 12 and p.card_exp_year >= 2025 for p in cards)


def test_everything_happens_within_three_years_and_after_the_customer_exists(plans):
    for p in plans:
        assert NOW - SPAN <= p.created_at < NOW
        times = [u.created_at for u in p.users] + [o.placed_at for o in p.orders]
        times += [i.issued_at for i in p.invoices] + [t.created_at for t in p.tickets]
        assert all(p.created_at <= t <= NOW for t in times)
        for invoice in p.invoices:
            assert (invoice.paid_at is not None) == (invoice.status == "paid")
            if invoice.paid_at is not None:
                assert invoice.issued_at <= invoice.paid_at <= NOW


def test_search_text_is_what_the_services_would_write(plans):
    for p in plans[:500]:
        assert p.search_text == search_text(p.name, p.email, p.company_name)
        for user in p.users:
            assert user.search_text == search_text(user.name, user.email)


def test_user_emails_are_unique_within_a_tenant(plans):
    for p in plans:
        assert len({u.email for u in p.users}) == len(p.users)


def test_the_same_seed_gives_the_same_plans_and_another_seed_others(plans):
    pools = build_pools(1)
    assert list(customer_plans(pools, 1, 300, NOW)) == plans[:300]
    assert list(customer_plans(pools, 2, 300, NOW)) != plans[:300]


def test_two_processes_format_exactly_what_one_does():
    job = Job(
        seed=1, customers=CHUNK_SIZE + 100, now=NOW, currency="USD", vendor="postgresql"
    )
    outputs = {}
    for processes in (1, 2):
        with ChunkSource(job, build_pools(1), processes) as chunks:
            outputs[processes] = [chunk.tables for chunk in chunks]
    assert len(outputs[1]) == 2
    assert outputs[1] == outputs[2]
