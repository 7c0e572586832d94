"""Each status and priority has a tone of its own meaning, and each tone a
colour of its own."""

import re
from pathlib import Path

import pytest

from cloudfactory.customers.models import Customer
from cloudfactory.invoices.models import Invoice
from cloudfactory.orders.models import Order
from cloudfactory.support.models import Ticket
from cloudfactory.web.templatetags.cf import tone

APP_CSS = (
    Path(__file__).resolve().parents[2] / "src/cloudfactory/web/static/web/css/app.css"
).read_text()


def test_words_that_meant_different_things_no_longer_share_a_tone():
    assert len({tone("open"), tone("high"), tone("pending")}) == 3
    assert len({tone(w) for w in ("closed", "low", "normal", "draft")}) == 4
    assert tone("paid") == "success"
    assert tone("overdue") == tone("urgent") == "danger"


@pytest.mark.parametrize(
    "value",
    [
        *Customer.Status.values,
        *Invoice.Status.values,
        *Order.Status.values,
        *Ticket.Status.values,
        *Ticket.Priority.values,
    ],
)
def test_every_status_and_priority_has_a_styled_tone(value):
    assert re.search(rf"\.pill-{tone(value)}\b[^{{]*\{{", APP_CSS), tone(value)


@pytest.mark.parametrize("token", ["info", "attention", "done"])
def test_each_new_colour_is_defined_for_light_and_both_dark_blocks(token):
    assert len(re.findall(rf"--{token}-text: #[0-9a-f]{{6}};", APP_CSS)) == 3
    assert len(re.findall(rf"--{token}-bg: #[0-9a-f]{{6}};", APP_CSS)) == 3


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("block", [0, 1, 2], ids=["light", "dark (system)", "dark"])
@pytest.mark.parametrize(
    "tone_name",
    ["success", "warning", "neutral", "danger", "info", "attention", "done"],
)
def test_every_filled_pill_reads_at_aa_contrast(block, tone_name):
    texts = re.findall(rf"--{tone_name}-text: (#[0-9a-f]{{6}});", APP_CSS)
    backgrounds = re.findall(rf"--{tone_name}-bg: (#[0-9a-f]{{6}});", APP_CSS)
    assert _contrast(texts[block], backgrounds[block]) >= 4.5
