import pytest

# 2025-06-15 12:26:40 UTC: a fixed "now", so a seed gives the very same rows.
NOW = 1_750_000_000


@pytest.fixture
def now() -> int:
    return NOW
