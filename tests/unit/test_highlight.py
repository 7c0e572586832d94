import pytest

from cloudfactory.web.templatetags.cf import highlight


@pytest.mark.parametrize(
    ("text", "q", "html"),
    [
        ("Acme Corp", "ACM", "<mark>Acm</mark>e Corp"),
        ("Müller <b> GmbH", "muller", "<mark>Müller</mark> &lt;b&gt; GmbH"),
        ("Straße 5", "strasse", "<mark>Straße</mark> 5"),
        ("Zoë", "oe", "Z<mark>oë</mark>"),
        ("a<b", "<", "a<mark>&lt;</mark>b"),
        ("<script>", "zz", "&lt;script&gt;"),
        ("O'Brien", "", "O&#39;Brien"),
    ],
)
def test_highlight_marks_the_folded_match_and_escapes_the_rest(text, q, html):
    assert highlight(text, q) == html
