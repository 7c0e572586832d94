"""Steps several browser tests take."""

from tests.factories import STAFF_PASSWORD

VIEWPORT = {"width": 1280, "height": 800}


def sign_in(page, email: str, password: str = STAFF_PASSWORD):
    """Open the sign-in page, fill it in and send it, as a person would.

    Returns the response to the form's POST (a redirect when it worked), once
    the server has answered, so the next step never races the submission.
    """
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/login" in r.url
    ) as posted:
        page.get_by_role("button", name="Sign in").click()
    return posted.value
