"""`python -m agent_ls` is the `agent-ls` command."""

from agent_ls.cli import run

run()
