"""Diagnostics: what Claude Code will really do with an agent file, as typed findings."""
