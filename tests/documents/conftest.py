import pytest
from django.core.cache import cache

from .signatures import generated_ca_root


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The verification throttles count in the cache; each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def generated_ca():
    return generated_ca_root()
