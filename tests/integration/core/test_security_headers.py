"""Every response carries the browser policies; signed-in pages are never stored."""

import pytest

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

STRICT_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(
        part.strip().split(" ", 1) for part in policy.split(";") if part.strip()
    )


def assert_browser_policies(response):
    assert directives(response) == STRICT_DIRECTIVES
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


def assert_never_stored(response):
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def test_a_signed_in_page_carries_the_policies_and_is_never_stored(admin_client):
    response = admin_client.get("/customers/")
    assert response.status_code == 200
    assert_browser_policies(response)
    assert response["X-Frame-Options"] == "DENY"
    assert_never_stored(response)


def test_an_htmx_partial_carries_the_policies_and_is_never_stored(admin_client):
    customer = CustomerFactory()
    for path in ("/customers/?type=company", f"/customers/{customer.pk}/panel"):
        response = admin_client.get(path, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert b"<html" not in response.content
        assert_browser_policies(response)
        assert_never_stored(response)


def test_the_login_page_carries_the_policies(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert_browser_policies(response)


def test_error_pages_carry_the_policies(admin_client, client):
    missing = admin_client.get("/customers/999999999")
    assert missing.status_code == 404
    assert_browser_policies(missing)
    assert_never_stored(missing)
    bad_input = admin_client.get("/customers/?type=nonsense")
    assert bad_input.status_code == 400
    assert_browser_policies(bad_input)
    assert_never_stored(bad_input)
    anonymous = client.get("/no-such-page")
    assert anonymous.status_code == 404
    assert_browser_policies(anonymous)


def test_static_files_carry_the_policies_and_keep_their_own_caching(client):
    response = client.get("/static/web/js/list.js")
    assert response.status_code == 200
    assert_browser_policies(response)
    assert "no-store" not in response.get("Cache-Control", "")


def test_an_export_keeps_its_own_cache_control(admin_client):
    response = admin_client.get("/customers/export")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert response["Cache-Control"] == "no-store"
    assert_browser_policies(response)


def test_pages_for_anonymous_visitors_are_not_marked_private(client):
    assert "private" not in client.get("/healthz").get("Cache-Control", "")


def test_https_redirect_spares_the_health_checks(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/login")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login"
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_hsts_is_sent_over_https_with_its_flags(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/login", secure=True)
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert "Strict-Transport-Security" not in client.get("/login")
