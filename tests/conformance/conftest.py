"""The pinned Claude Code for the tests that re-record (marked `conformance`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import record  # noqa: E402


@pytest.fixture(scope="session")
def claude_code() -> Path:
    """The binary of the pinned version, installed if needed; skips without npm (fails in CI)."""
    try:
        return record.install()
    except (record.RecordError, OSError) as err:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot install Claude Code {record.pinned_version()} in CI: {err}")
        pytest.skip(f"cannot install Claude Code {record.pinned_version()}: {err}")
