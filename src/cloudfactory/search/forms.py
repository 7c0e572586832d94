from urllib.parse import urlsplit

from django import forms

from cloudfactory.search.models import Recent
from cloudfactory.search.queries import palette_query


class RecentForm(forms.Form):
    """A search run or a record opened from the palette."""

    kind = forms.ChoiceField(choices=Recent.Kind.choices)
    key = forms.CharField(max_length=300)
    label = forms.CharField(max_length=300)

    def clean(self):
        cleaned = super().clean()
        kind, key = cleaned.get("kind"), cleaned.get("key")
        if kind == Recent.Kind.SEARCH and key is not None:
            cleaned["key"] = palette_query(key)
            if not cleaned["key"]:
                self.add_error("key", "A search needs some text.")
        if kind == Recent.Kind.RECORD and key is not None:
            # Only a page of this site, never a link elsewhere.
            parts = urlsplit(key)
            if parts.scheme or parts.netloc or not key.startswith("/"):
                self.add_error("key", "A record is a page of this site.")
        if "label" in cleaned:
            cleaned["label"] = palette_query(cleaned["label"])
        return cleaned
