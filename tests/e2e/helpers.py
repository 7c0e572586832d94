"""Steps several browser tests take."""

from axe_playwright_python.sync_playwright import Axe

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


def axe_findings(page) -> dict[str, list[str]]:
    """axe-core's violations on the page, by impact: "id: help (n nodes)"."""
    results = Axe().run(page)
    findings: dict[str, list[str]] = {}
    for violation in results.response["violations"]:
        nodes = violation["nodes"]
        where = ", ".join(str(node["target"]) for node in nodes[:3])
        findings.setdefault(violation["impact"] or "unknown", []).append(
            f"{violation['id']}: {violation['help']} ({len(nodes)}: {where})"
        )
    return findings
