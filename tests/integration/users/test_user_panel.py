import re

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory, TenantUserFactory

pytestmark = pytest.mark.django_db


def test_the_panel_is_titled_with_the_name_and_shows_the_email_beneath(admin_client):
    acme = CustomerFactory(name="Acme Corp")
    user = TenantUserFactory(
        customer_id=acme.pk, name="Ada <Lovelace>", email="ada@acme.test"
    )
    html = admin_client.get(reverse("users:panel", args=[user.pk])).content.decode()
    title = re.search(r'id="panel-title">(.*?)</h2>', html).group(1)
    assert title == "Ada &lt;Lovelace&gt;"
    sub = re.search(r'class="detail-sub">(.*?)</p>', html, re.S).group(1)
    assert '<span class="detail-sub-line">ada@acme.test</span>' in sub
    assert "Acme Corp</a>" in sub
