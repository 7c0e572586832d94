import pytest

from cloudfactory.text import UnfitText, fit_email, fit_text

# Each a character stored text never holds, and why.
REFUSED = {
    "\u202e": "right-to-left override",
    "\u202a": "left-to-right embedding",
    "\u2066": "left-to-right isolate",
    "\u2069": "pop directional isolate",
    "\u200b": "zero-width space",
    "\u200d": "zero-width joiner",
    "\u200f": "right-to-left mark",
    "\ufeff": "byte-order mark",
    "\x00": "NUL",
    "\x1b": "escape",
    "\x7f": "delete",
    "\u2028": "line separator",
    "\ud800": "lone surrogate",
}


@pytest.mark.parametrize("char", REFUSED, ids=REFUSED.values())
def test_invisible_and_control_characters_are_refused_with_their_code(char):
    with pytest.raises(UnfitText) as refused:
        fit_text(f"Invoice {char}gnp.exe", what="The subject", max_length=300)
    code = f"U+{ord(char):04X}"
    assert str(refused.value) == (
        f"The subject holds an invisible or control character ({code}); "
        "type it again without it."
    )


@pytest.mark.parametrize(
    "text",
    ["Zoë Ångström", "東京 株式会社", "شركة الأمل", "O'Brien & Søn", "🚀 Rocket"],
)
def test_letters_of_every_script_are_kept(text):
    assert fit_text(f"  {text} ", what="The name", max_length=200) == text


def test_line_breaks_and_tabs_are_kept_only_in_text_of_several_lines():
    reason = "Chargebacks:\r\n\tthree in March"
    assert fit_text(reason, what="The reason", max_length=500, lines=True) == reason
    with pytest.raises(UnfitText, match=r"\(U\+000D\)"):
        fit_text(reason, what="The name", max_length=500)
    with pytest.raises(UnfitText, match=r"\(U\+202E\)"):
        fit_text("a\n\u202eb", what="The reason", max_length=500, lines=True)


def test_text_longer_than_its_column_is_refused_with_both_lengths():
    assert fit_text("x" * 200, what="The name", max_length=200) == "x" * 200
    with pytest.raises(UnfitText) as refused:
        fit_text("x" * 10_000, what="The name", max_length=200)
    assert str(refused.value) == "The name is 10,000 characters long; at most 200 fit."


def test_without_a_maximum_any_length_fits():
    assert fit_text("x" * 10_000, what="The address", max_length=None) == "x" * 10_000


@pytest.mark.parametrize(
    ("raw", "email"),
    [
        (" Ops@Example.COM ", "ops@example.com"),
        ("zoe@bücher.de", "zoe@bücher.de"),
        ("a.b+tag@sub.example.co.uk", "a.b+tag@sub.example.co.uk"),
    ],
)
def test_a_valid_email_is_kept_in_lower_case(raw, email):
    assert fit_email(raw) == email


@pytest.mark.parametrize(
    "raw", ["not-an-email", "a@b", "a@@example.com", "a b@example.com", "@example.com"]
)
def test_an_invalid_email_is_refused_with_a_sentence(raw):
    with pytest.raises(UnfitText, match="is not a valid email address."):
        fit_email(raw, what="The user's email address")


def test_an_email_longer_than_smtp_carries_is_refused():
    with pytest.raises(UnfitText, match="at most 254 fit"):
        fit_email("a" * 250 + "@example.com")


def test_an_email_with_a_hidden_character_is_refused():
    with pytest.raises(UnfitText, match=r"\(U\+200B\)"):
        fit_email("ops\u200b@example.com")
