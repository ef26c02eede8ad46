"""Shared pytest fixtures."""

import pytest


@pytest.fixture
def seed():
    """The seed of every random generator in the tests."""
    return 0
