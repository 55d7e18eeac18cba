"""The console's tests share one world (fakes.make_world), fresh for each test."""

import pytest

from .fakes import make_world


@pytest.fixture
def world() -> dict:
    return make_world()
