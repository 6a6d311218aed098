"""LSP glue for persona actions: listing, resolving and running them, with progress and cancel.

The server calls `menu.persona_code_actions` from its codeAction handler (no API call there),
routes `codeAction/resolve` of persona actions to `commands.resolve_persona_action`, and calls
`commands.register` once to add the persona commands (`agentLs.persona.run`, `.list`, `.choose`,
`.followUp`, `.reports`, `.clearFindings`); it merges `PersonaState.finding_diagnostics` (a
review's findings on their lines) into each publish and pull of a document.

A run (`run.py`): the document is taken from the editor (or read off the event loop, bounded:
`snapshot.py`) → checks (selection, size, key, workspace trust, credentials: `apply.py`) →
progress begins (`progress.py`) → the answer streams (progress reports a running count) → a
rewrite becomes one versioned WorkspaceEdit (returned by resolve, or sent with
workspace/applyEdit by the command: `apply.py`), a report becomes a Markdown document the editor
opens (`reports.py`) and its findings are shown on their lines (`findings.py`). Cancelling the
progress or the request stops the stream and applies nothing.

With `personas.confirm = always` a rewrite is only applied once the user has seen it: clients that
show the diff with Apply/Discard themselves say so with the client capability
`experimental.agentLs.previewEdits` (the VS Code extension: its Discard answers the applyEdit
with failureReason DISCARDED); any other client is asked Apply / Show diff / Discard
(window/showMessageRequest), "Show diff" opening a unified diff (window/showDocument). An edit is
applied only to the very document it was computed on (`Snapshot.is_current`).

Workspace trust: `experimental.agentLs.workspaceTrusted` at initialize and the notification
`agentLs/workspaceTrust` (`{"trusted": bool}`); in an untrusted workspace the workspace's own
agents run only on the user's go-ahead, and so do their follow-ups (a kept conversation counts
as a shipped persona's only when its system prompt is exactly one a shipped persona builds).

This package imports the server only for its type, and the server never imports it at start:
it is loaded on first use (or warmed in a worker thread after `initialized`).
"""
