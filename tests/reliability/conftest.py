"""Reliability tests reuse the language-server tests' `client` fixture and helpers (tests/lsp)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from pytest_lsp import LanguageClient

LSP_TESTS = Path(__file__).parent.parent / "lsp"
sys.path.insert(0, str(LSP_TESTS))
from published import Publishes  # noqa: E402

_spec = importlib.util.spec_from_file_location("lsp_tests_conftest", LSP_TESTS / "conftest.py")
assert _spec is not None and _spec.loader is not None
_lsp_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_lsp_conftest)

client = _lsp_conftest.client  # the real server over stdio, as VS Code and as Neovim


@pytest.fixture
def publishes(client: LanguageClient) -> Publishes:
    return Publishes(client)
