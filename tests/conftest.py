"""Shared fixtures: sample workspaces under tests/workspaces/<case>/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

WORKSPACES = Path(__file__).parent / "workspaces"
REPO = Path(__file__).parent.parent

# The SDK reads these; a test that needs them sets them itself.
for _name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL"):
    os.environ.pop(_name, None)

# Property tests judge behaviour, never time: Hypothesis's per-example deadline (200 ms) failed
# them on a loaded machine.
settings.register_profile("agent-ls", deadline=None)
settings.load_profile("agent-ls")


@pytest.fixture
def workspace() -> callable[[str], Path]:  # type: ignore[valid-type]
    """Returns a function giving the folder of a named sample workspace (which must exist)."""

    def get(name: str) -> Path:
        path = WORKSPACES / name
        assert path.is_dir(), f"missing sample workspace {path}"
        return path

    return get
