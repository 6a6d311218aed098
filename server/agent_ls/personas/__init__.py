"""Persona code actions: an agent (shipped or from the workspace) reviews, explains or rewrites
selected code through the Anthropic Messages API.

The domain modules (`actions`, `agents`, `prompt`, `answer`, `secrets`, `failures`, `scope`) are
pure and shared by the language server (`lsp`) and the terminal (`cli`); `tools` runs the agent's
read-only tools inside the workspace. Only `client` talks to the API,
and it imports the anthropic SDK on first use, never when the server starts.
"""
