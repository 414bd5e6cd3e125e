import pytest
from django.core.files.storage import default_storage

from .helpers import stored_files


@pytest.fixture(autouse=True)
def empty_resource_storage():
    """Each test starts with no stored resource files (the test storage lives in memory for the
    whole run)."""
    for name in stored_files():
        default_storage.delete(name)
