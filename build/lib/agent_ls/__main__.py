"""`python -m agent_ls` is the `agent-ls` command."""

import sys

from agent_ls.cli import main

sys.exit(main())
