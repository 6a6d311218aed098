"""The core: what every dialect shares and none knows about — text positions, findings, and
Markdown with YAML frontmatter as Claude Code reads it (JSON with positions joins it)."""
