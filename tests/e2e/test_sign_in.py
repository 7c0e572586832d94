"""A staff member signs in, finds their way around the frame and signs out."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tests.factories import STAFF_PASSWORD

pytestmark = pytest.mark.e2e

WRONG_PASSWORD_SENTENCE = "That email and password do not match a staff account."
LOCKED_OUT_SENTENCE = "Too many failed sign-in attempts. Try again in 15 minutes."


def test_a_staff_member_signs_in_sees_the_overview_and_signs_out(
    page, staff, server_url
):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{server_url}/")
    expect(page).to_have_title("Overview · Cloud Factory")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Overview")).to_have_attribute(
        "aria-current", "page"
    )
    header = page.get_by_role("banner")
    expect(header.get_by_role("heading", name="Overview")).to_be_visible()
    expect(header).to_contain_text("Ada Lovelace")
    expect(header).to_contain_text("Admin")
    totals = page.get_by_role("region", name="Platform totals")
    for label in ("Total Customers", "Companies", "Users", "Revenue"):
        expect(totals.get_by_text(label, exact=True)).to_be_visible()
    expect(page.get_by_text("No activity yet")).to_be_visible()

    sign_out = header.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_hidden()
    header.get_by_text("Ada Lovelace").click()
    expect(header.get_by_text(staff.email)).to_be_visible()
    sign_out.click()

    expect(page).to_have_url(f"{server_url}/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))


def test_a_wrong_password_is_refused_with_a_sentence(page, staff, server_url):
    response = sign_in(page, staff.email, "not the password")

    assert response.status == 200
    expect(page.get_by_role("alert")).to_have_text(WRONG_PASSWORD_SENTENCE)
    expect(page.get_by_label("Email")).to_have_value(staff.email)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))


def test_after_five_failures_even_the_right_password_is_locked_out(
    page, staff, server_url
):
    for _ in range(4):
        sign_in(page, staff.email, "not the password")
        expect(page.get_by_role("alert")).to_have_text(WRONG_PASSWORD_SENTENCE)
    sign_in(page, staff.email, "not the password")

    response = sign_in(page, staff.email, STAFF_PASSWORD)

    assert response.status == 429
    expect(page.get_by_role("alert")).to_have_text(LOCKED_OUT_SENTENCE)
    page.get_by_role("link", name="Back to sign in").click()
    expect(page).to_have_url(f"{server_url}/login")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))
