"""Pools of realistic values drawn once from Faker, then sampled per row.

Calling Faker for every row of a million customers would take longer than the
whole load, so each locale draws a few thousand values up front (seeded, so the
pools are the same for a seed) and the generator samples them. Every derived
form a row needs (folded for search, an email-safe slug) is computed here once
per pooled value, not once per row.
"""

import functools
import re
from dataclasses import dataclass

from faker import Faker

from cloudfactory.text import fold

# Customer locales and how often they occur: names with accents (de, fr, es, pl,
# sv...) and apostrophes (en_IE and en_GB "O'Brien", nl_NL "van 't Riet").
LOCALE_WEIGHTS = {
    "en_US": 24,
    "en_GB": 11,
    "de_DE": 12,
    "fr_FR": 10,
    "es_ES": 8,
    "it_IT": 7,
    "pl_PL": 6,
    "nl_NL": 6,
    "en_IE": 5,
    "pt_PT": 3,
    "sv_SE": 4,
    "de_AT": 4,
}

FIRST_NAMES = 250
LAST_NAMES = 350
COMPANIES = 1500
ADDRESSES = 500
PHONES = 400

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """ASCII letters and digits of the folded text: "O'Brien" -> "obrien"."""
    return _NOT_SLUG.sub("", fold(text))


@dataclass(frozen=True)
class Name:
    text: str
    folded: str
    slug: str


@dataclass(frozen=True)
class Company:
    display: str  # what staff call it: "Wesack Mende"
    legal: str  # the legal name: "Wesack Mende GmbH"
    domain: str  # "wesackmende.de"
    folded_display: str
    folded_legal: str


@dataclass(frozen=True)
class LocalePool:
    locale: str
    first_names: tuple[Name, ...]
    last_names: tuple[Name, ...]
    companies: tuple[Company, ...]
    addresses: tuple[str, ...]
    phones: tuple[str, ...]
    mail_domains: tuple[str, ...]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _lines(text: str) -> str:
    return "\n".join(filter(None, map(_one_line, text.splitlines())))


def _unique(draw, count: int, keep=lambda value: True, tidy=_one_line) -> list[str]:
    """Up to `count` distinct values of draw(), in the order Faker produced them.

    Tidied: single-line values have no tab or newline, so the COPY writer needs
    to escape only addresses; a backslash never occurs in what Faker makes.
    """
    seen: dict[str, None] = {}
    for _ in range(count * 3):
        value = tidy(draw())
        if value and "\\" not in value and keep(value):
            seen.setdefault(value, None)
        if len(seen) == count:
            break
    return list(seen)


def _name(text: str) -> Name:
    return Name(text=text, folded=fold(text), slug=slug(text) or "user")


def _company(fake: Faker, legal_forms: tuple[str, ...], tld: str, raw: str) -> Company:
    # Faker's names carry a legal form only sometimes ("Carroll Inc" but also
    # "Wilson-Hodges"): split it off for the display name, add one if missing.
    display = raw
    for form in sorted(legal_forms, key=len, reverse=True):
        if raw.endswith(" " + form):
            display = raw[: -len(form) - 1].rstrip(" ,")
            break
    else:
        raw = f"{raw} {fake.random_element(legal_forms)}"
    domain = f"{slug(display)[:24] or 'company'}.{tld}"
    return Company(display, raw, domain, fold(display), fold(raw))


def _legal_forms(fake: Faker) -> tuple[str, ...]:
    forms = fake.provider("faker.providers.company").company_suffixes
    return tuple(dict.fromkeys(forms))  # some locales list a form twice as weight


def _country_tld(fake: Faker) -> str:
    tlds = fake.provider("faker.providers.internet").tlds
    national = [
        tld for tld in tlds if tld not in ("com", "net", "org", "biz", "info", "eu")
    ]
    return national[0] if national else "com"


def locale_pool(locale: str, seed: int) -> LocalePool:
    fake = Faker(locale)
    fake.seed_instance(f"{seed}:{locale}")
    legal_forms = _legal_forms(fake)
    tld = _country_tld(fake)
    # nl_NL lists some names as "Bourgondië, van": keep the ones people write.
    last_names = _unique(fake.last_name, LAST_NAMES, keep=lambda n: "," not in n)
    return LocalePool(
        locale=locale,
        first_names=tuple(map(_name, _unique(fake.first_name, FIRST_NAMES))),
        last_names=tuple(map(_name, last_names)),
        companies=tuple(
            _company(fake, legal_forms, tld, raw)
            for raw in _unique(fake.company, COMPANIES)
        ),
        addresses=tuple(_unique(fake.address, ADDRESSES, tidy=_lines)),
        phones=tuple(_unique(fake.phone_number, PHONES)),
        mail_domains=tuple(
            dict.fromkeys(fake.provider("faker.providers.internet").free_email_domains)
        ),
    )


@functools.cache  # immutable, and two seconds to build
def build_pools(seed: int) -> tuple[LocalePool, ...]:
    """One pool per locale, in LOCALE_WEIGHTS order; the same for the same seed."""
    return tuple(locale_pool(locale, seed) for locale in LOCALE_WEIGHTS)
