import pytest
from django.test import Client

from tests.factories import StaffFactory


@pytest.fixture
def member():
    """A viewer: the role with the fewest permissions."""
    return StaffFactory(role="viewer")


@pytest.fixture
def member_client(member):
    client = Client()
    client.force_login(member)
    return client
