"""agent-ls: a language server, linter and in-editor personas for AI agent definition files."""

__version__ = "0.1.0"
