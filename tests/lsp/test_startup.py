"""On the way to the initialize result: the persona glue is not imported, its commands are listed.

(`tests/personas/test_persona_cli.py` checks in a fresh process that building the server imports
neither the SDK nor the persona glue.)
"""

from __future__ import annotations


def test_the_server_advertises_the_persona_commands_under_their_own_names() -> None:
    from agent_ls.lsp.commands import PERSONA_COMMANDS
    from agent_ls.lsp.personas import state as personas
    from agent_ls.lsp.server import build_server

    assert PERSONA_COMMANDS == (
        personas.RUN_COMMAND,
        personas.LIST_COMMAND,
        personas.CLEAR_FINDINGS_COMMAND,
        personas.REPORTS_COMMAND,
        personas.CHOOSE_COMMAND,
        personas.FOLLOW_UP_COMMAND,
        personas.NOT_OFFERED_COMMAND,
    )
    assert set(PERSONA_COMMANDS) <= set(build_server().protocol.fm.commands)
