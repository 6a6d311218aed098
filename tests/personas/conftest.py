"""Fixtures of the persona tests; their helpers live in persona_helpers (importable by tests)."""

from persona_helpers import fake_api, persona_workspace, start_editor  # noqa: F401
