"""Sign-in throttling: per email and address, per address, per email
(staff/throttle.py), counted at the address TRUSTED_PROXIES allows."""

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from cloudfactory.staff.models import SignInThrottle
from cloudfactory.staff.throttle import sign_in_claim
from tests.factories import STAFF_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

WRONG = "not the password"
LOCKED_OUT = "Too many failed sign-in attempts. Try again in 15 minutes."


def _sign_in(client, email, password, address="127.0.0.1", **headers):
    return client.post(
        "/login",
        {"username": email, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _let_the_delay_pass():
    SignInThrottle.objects.update(next_try_at=timezone.now())


def _counted_addresses() -> set[str]:
    return set(AccessAttempt.objects.values_list("ip_address", flat=True))


def test_a_forged_forwarded_for_does_not_change_the_address_counted(client, settings):
    member = StaffFactory()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, member.email, WRONG, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    response = _sign_in(
        client, member.email, STAFF_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99"
    )

    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()
    assert _signed_in(client) is False
    assert _counted_addresses() == {"127.0.0.1"}


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    member = StaffFactory()
    # The client forged the left-most entry; the proxy appended the real one.
    _sign_in(
        client,
        member.email,
        WRONG,
        address="10.1.2.3",
        HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9",
    )

    assert _counted_addresses() == {"203.0.113.9"}


def test_behind_a_trusted_proxy_clients_are_locked_out_one_by_one(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    member = StaffFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(
            client,
            member.email,
            WRONG,
            address="10.0.0.5",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    _let_the_delay_pass()

    colleague = _sign_in(
        client,
        member.email,
        STAFF_PASSWORD,
        address="10.0.0.5",
        HTTP_X_FORWARDED_FOR="203.0.113.20",
    )

    assert colleague.status_code == 302
    assert _signed_in(client) is True


def test_forwarded_for_from_a_peer_that_is_not_a_trusted_proxy_is_ignored(
    client, settings
):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    member = StaffFactory()
    _sign_in(
        client,
        member.email,
        WRONG,
        address="203.0.113.50",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert _counted_addresses() == {"203.0.113.50"}


def test_failures_from_many_addresses_slow_an_email_down_twice_as_much_each_time(
    client, settings
):
    member = StaffFactory()
    for n in range(settings.SIGN_IN_DELAY_AFTER):
        _sign_in(client, member.email, WRONG, address=f"203.0.113.{n}")

    waits = []
    for n in range(4):
        refused = _sign_in(client, member.email, WRONG, address=f"198.51.100.{n}")
        waits.append(refused["Retry-After"])
        assert refused.status_code == 429
        _let_the_delay_pass()
        _sign_in(client, member.email, WRONG, address=f"198.51.100.{n}")

    assert waits == ["1", "2", "4", "8"]


def test_a_delayed_try_says_when_to_try_again_and_checks_no_password(client, settings):
    member = StaffFactory()
    for n in range(settings.SIGN_IN_DELAY_AFTER + 3):
        _let_the_delay_pass()
        _sign_in(client, member.email, WRONG, address=f"203.0.113.{n}")
    failures = SignInThrottle.objects.get().failures

    response = _sign_in(client, member.email, STAFF_PASSWORD, address="192.0.2.1")

    assert response.status_code == 429
    assert response["Retry-After"] == "8"
    assert (
        "Too many failed sign-ins for this email. Try again in 8 seconds."
        in response.content.decode()
    )
    assert _signed_in(client) is False
    assert SignInThrottle.objects.get().failures == failures


def test_once_the_delay_has_passed_a_colleague_signs_in_with_the_right_password(
    client, settings
):
    member = StaffFactory()
    for n in range(30):
        _let_the_delay_pass()
        _sign_in(client, member.email, WRONG, address=f"203.0.113.{n}")
    assert _sign_in(client, member.email, STAFF_PASSWORD).status_code == 429

    _let_the_delay_pass()
    response = _sign_in(client, member.email, STAFF_PASSWORD, address="192.0.2.1")

    assert response.status_code == 302
    assert _signed_in(client) is True
    assert SignInThrottle.objects.exists() is False


def test_the_delay_stops_growing_at_its_cap(client, settings):
    settings.SIGN_IN_DELAY_CAP = 60
    member = StaffFactory()
    for n in range(settings.SIGN_IN_DELAY_AFTER + 12):
        _let_the_delay_pass()
        _sign_in(client, member.email, WRONG, address=f"203.0.113.{n}")

    response = _sign_in(client, member.email, STAFF_PASSWORD, address="192.0.2.1")

    assert response["Retry-After"] == "60"
    assert "Try again in 60 seconds." in response.content.decode()


def test_of_tries_arriving_together_after_a_delay_one_goes_ahead(settings):
    member = StaffFactory()
    SignInThrottle.objects.create(
        email=member.email,
        failures=settings.SIGN_IN_DELAY_AFTER + 2,
        last_failure_at=timezone.now(),
        next_try_at=timezone.now(),
    )

    assert sign_in_claim(email=member.email) == 0
    assert sign_in_claim(email=member.email) == 4


def test_a_browser_that_signed_in_before_skips_the_delay(client, settings):
    from django.test import Client

    member = StaffFactory()
    assert _sign_in(client, member.email, STAFF_PASSWORD).status_code == 302
    client.post("/logout")
    attacker = Client()
    for n in range(settings.SIGN_IN_DELAY_AFTER + 6):
        _let_the_delay_pass()
        _sign_in(attacker, member.email, WRONG, address=f"203.0.113.{n}")
    assert _sign_in(attacker, member.email, STAFF_PASSWORD).status_code == 429

    response = _sign_in(client, member.email, STAFF_PASSWORD, address="192.0.2.1")

    assert response.status_code == 302
    assert _signed_in(client) is True


def test_the_known_browser_cookie_of_one_email_does_not_skip_anothers_delay(
    client, settings
):
    member, other = StaffFactory(), StaffFactory()
    assert _sign_in(client, member.email, STAFF_PASSWORD).status_code == 302
    client.post("/logout")
    for n in range(settings.SIGN_IN_DELAY_AFTER):
        _sign_in(client, other.email, WRONG, address=f"203.0.113.{n}")

    response = _sign_in(client, other.email, STAFF_PASSWORD, address="192.0.2.1")

    assert response.status_code == 429


def test_many_failures_from_one_address_across_emails_lock_that_address_out(
    client, settings
):
    member = StaffFactory()
    for n in range(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT):
        _sign_in(client, f"guess{n}@cloudfactory.test", WRONG, address="203.0.113.5")

    locked = _sign_in(client, member.email, STAFF_PASSWORD, address="203.0.113.5")
    elsewhere = _sign_in(client, member.email, STAFF_PASSWORD, address="192.0.2.1")

    assert locked.status_code == 429
    assert LOCKED_OUT in locked.content.decode()
    assert elsewhere.status_code == 302


def test_ipv6_clients_are_counted_by_their_64_network(client, settings):
    member = StaffFactory()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, member.email, WRONG, address=f"2001:db8:1:2::{n + 1}")

    response = _sign_in(
        client, member.email, STAFF_PASSWORD, address="2001:db8:1:2::99"
    )

    assert response.status_code == 429
    assert _counted_addresses() == {"2001:db8:1:2::"}


def test_sign_in_emails_are_case_insensitive(client):
    StaffFactory(email="admin@cloudfactory.local")

    response = _sign_in(client, "Admin@CloudFactory.LOCAL", STAFF_PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client) is True


def test_failures_in_any_capitals_share_one_count(client, settings):
    member = StaffFactory(email="admin@cloudfactory.local")
    spellings = ["ADMIN@cloudfactory.local", "admin@CloudFactory.local"]
    for n in range(settings.AXES_FAILURE_LIMIT):
        email = spellings[n % 2]
        _sign_in(client, email, WRONG)

    response = _sign_in(client, member.email, STAFF_PASSWORD)

    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {
        "admin@cloudfactory.local"
    }


@pytest.mark.parametrize(
    "email", ["ada\x00@example.com", "a" * 300 + "@example.com", "not an email", ""]
)
def test_an_email_the_form_refuses_is_answered_with_a_sentence(client, email):
    response = _sign_in(client, email, WRONG)

    assert response.status_code == 200
    assert "field-invalid" in response.content.decode()
    assert SignInThrottle.objects.exists() is False
