"""Session-wide test set-up."""

from __future__ import annotations

import pytest

# Fixtures shared by the tests of several packages: small projects built by the real
# pipeline (tests/fixtures/pipeline.py) and narrated ones (tests/fixtures/narrated.py).
pytest_plugins = ["tests.fixtures.pipeline", "tests.fixtures.narrated"]


@pytest.fixture(scope="session", autouse=True)
def _share_scene_readings(tmp_path_factory, worker_id):
    """Parallel workers (pytest -n) read each scene once between them."""
    if worker_id != "master":
        import tests.screen as screen

        screen.SHARED_DIR = tmp_path_factory.getbasetemp().parent / "screen-readings"
