"""Fixtures of the tools' tests."""

import pytest

from tests.helpers.previews import Running
from tests.helpers.snakemake_runs import copy_repo


@pytest.fixture
def preview(tmp_path):
    """The gallery preview, running on a copy of the repository, stopped after the test."""
    running = Running(copy_repo(tmp_path / "repo"))
    yield running
    running.stop()
