"""The persona menu lists a plugin's agents as Claude Code's lenient plugin loader loads them
(the real server over stdio): nameless, broken and frontmatter-less agents too, under the names
Claude Code gives them, once the plugin's `plugin.json` appears on disk."""

from __future__ import annotations

import asyncio
import json

from lsprotocol import types
from persona_helpers import StartEditor
from test_persona_lsp import open_orders

from fakeapi import FakeAnthropic

AGENTS = {
    "nameless.md": "---\ndescription: Reviews without a name.\n---\n\nBe strict.\n",
    "broken.md": "---\nname: broken\ndescription: [unclosed\n---\n\nBroken YAML.\n",
    "plain.md": "No frontmatter at all: the whole file is the prompt.\n",
    "Upper.MD": "---\nname: upper\ndescription: An upper-case extension.\n---\n\nLoud.\n",
    "good.md": "---\nname: good\ndescription: A valid agent.\n---\n\nGood.\n",
}
WANTED = ["kit:nameless", "kit:broken", "kit:plain", "kit:upper", "kit:good"]


async def test_a_plugin_s_lenient_agents_are_in_the_menu(
    start_editor: StartEditor, fake_api: FakeAnthropic
) -> None:
    editor = await start_editor()
    uri, selection = await open_orders(editor)
    plugin = editor.root / "vendor" / "kit"
    for name, text in AGENTS.items():
        (plugin / "agents" / name).parent.mkdir(parents=True, exist_ok=True)
        (plugin / "agents" / name).write_text(text)

    def changed(path_uri: str) -> None:
        editor.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=path_uri, type=types.FileChangeType.Created)]
            )
        )

    async def menu() -> list[str]:  # "Ask NAME…" once several agents are offered
        return [a.title for a in await editor.code_actions(uri, selection)]

    changed((plugin / "agents" / "good.md").as_uri())  # no plugin.json yet: no plugin, no agent
    await asyncio.sleep(0.5)
    assert not [t for t in await menu() if "kit:" in t]
    manifest = plugin / ".claude-plugin" / "plugin.json"
    manifest.parent.mkdir()
    manifest.write_text(json.dumps({"name": "kit"}))
    changed(manifest.as_uri())
    deadline = asyncio.get_running_loop().time() + 30
    titles = await menu()
    while not all(f"Ask {n}…" in titles for n in WANTED):
        assert asyncio.get_running_loop().time() < deadline, f"missing from {titles}"
        await asyncio.sleep(0.25)
        titles = await menu()
    listed = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="agentLs.persona.list", arguments=[])
    )
    agents = {a["name"]: a for a in listed["agents"]}
    assert agents["kit:plain"]["description"] == "Agent from kit plugin"
    assert agents["kit:nameless"]["description"] == "Reviews without a name."
    assert agents["kit:plain"]["source"].endswith("/vendor/kit/agents/plain.md")
    await editor.run(uri, selection, "kit:plain", "review")
    system = fake_api.requests[-1].body["system"][0]["text"]
    assert system.endswith("No frontmatter at all: the whole file is the prompt.")
