"""Soak: 100,000 incremental edits to one open agent file; the server's memory, step by step.

    .venv/bin/python bench/soak.py                  # 100,000 edits, shipped 50 ms debounce
    .venv/bin/python bench/soak.py --edits 20000 --debounce 0

The edits type a word into the body one character at a time and then delete it, so the
document keeps its size: growth in the server's memory is the server's, not the text's. Every
`--step` edits the script waits for the diagnostics of the latest version (the server has caught
up) and reads the server's RSS from /proc. It prints a table and the verdict against issue 7's
budget (less than 10 MB growth over 100,000 edits), and exits 1 when over budget or when the final
diagnostics differ from a fresh open of the final text.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench.lsp_client import LspClient, rss_kb  # noqa: E402

SERVER = [str(ROOT / ".venv" / "bin" / "python"), "-m", "agent_ls", "serve"]
BUDGET_KB = 10 * 1024
TEXT = (
    "---\nname: soak\ndescription: Use this agent to soak the server\ntools: Read, Reed\n"
    "model: sonnet\n---\n\nYou soak the server.\n{body}\n"
)
WORD = "reliable"
BODY_LINE = 8  # the empty line after the body sentence, where typing happens


def build_text(lines: int) -> str:
    return TEXT.format(body="\n".join(f"Line {i}: steady text for the soak." for i in range(lines)))


def codes(items: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return sorted((d["code"], str(d["range"]), d["message"]) for d in items)  # type: ignore[index]


async def soak(edits: int, step: int, debounce: int, body_lines: int) -> int:
    with tempfile.TemporaryDirectory(prefix="agent-ls-soak-") as folder:
        root = Path(folder)
        (root / ".claude" / "agents").mkdir(parents=True)
        client = await LspClient.start(SERVER, root, {"agentLs": {"debounceMs": debounce}})
        try:
            await client.initialize(root, {"debounceMs": debounce})
            uri = (root / ".claude" / "agents" / "soak.md").as_uri()
            text = build_text(body_lines)
            client.open(uri, "markdown", text)
            first = await client.wait_for_diagnostics(
                lambda d: d.uri == uri and d.version == 1, timeout=30
            )
            start_rss, _ = rss_kb(client.pid)
            rows: list[tuple[int, int, int, int, float]] = []
            version, column, started = 1, 0, time.perf_counter()
            baseline = start_rss
            while version - 1 < edits:
                version += 1
                if column < len(WORD):
                    client.insert(uri, version, BODY_LINE + body_lines, column, WORD[column])
                    column += 1
                else:  # delete the typed word in one change
                    client.notify(
                        "textDocument/didChange",
                        {
                            "textDocument": {"uri": uri, "version": version},
                            "contentChanges": [
                                {
                                    "range": {
                                        "start": {"line": BODY_LINE + body_lines, "character": 0},
                                        "end": {
                                            "line": BODY_LINE + body_lines,
                                            "character": column,
                                        },
                                    },
                                    "text": "",
                                }
                            ],
                        },
                    )
                    column = 0
                done = version - 1
                if done % step == 0 or done == edits:
                    await client.wait_for_diagnostics(
                        lambda d, v=version: d.uri == uri and d.version == v, timeout=120
                    )
                    rss, hwm = rss_kb(client.pid)
                    if done == step:
                        baseline = rss  # after the first step: caches and code paths are warm
                    publishes = sum(d.uri == uri for d in client.diagnostics)
                    rows.append((done, rss, hwm, publishes, time.perf_counter() - started))
            # The text is the original plus any half-typed word: compare with a fresh open.
            lines = text.split("\n")
            lines[BODY_LINE + body_lines] = WORD[:column]
            fresh_uri = (root / "fresh" / ".claude" / "agents" / "soak.md").as_uri()
            client.open(fresh_uri, "markdown", "\n".join(lines))
            fresh = await client.wait_for_diagnostics(
                lambda d: d.uri == fresh_uri and d.version == 1, timeout=30
            )
            last = [d for d in client.diagnostics if d.uri == uri][-1]
            same = codes([d for d in last.items if d["code"] != "AL208"]) == codes(
                [d for d in fresh.items if d["code"] != "AL208"]
            )
            client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
            client.notify("textDocument/didClose", {"textDocument": {"uri": fresh_uri}})
            await asyncio.sleep(1)
            closed_rss, _ = rss_kb(client.pid)
        finally:
            await client.close()

    mib = 1024
    print(
        f"agent-ls soak: {edits:,} edits, debounce {debounce} ms, document {len(text):,} chars "
        f"({len(first.items)} diagnostics)"
    )
    print(
        f"{'edits':>8} {'RSS MiB':>8} {'peak MiB':>9} {'Δ warm MiB':>11} {'publishes':>10}"
        f" {'seconds':>8} {'edits/s':>8}"
    )
    for done, rss, hwm, publishes, seconds in rows:
        print(
            f"{done:>8,} {rss / mib:>8.1f} {hwm / mib:>9.1f} {(rss - baseline) / mib:>+11.2f} "
            f"{publishes:>10,} {seconds:>8.1f} {done / seconds:>8,.0f}"
        )
    growth = rows[-1][1] - baseline
    print(
        f"RSS at open {start_rss / mib:.1f} MiB; warm baseline {baseline / mib:.1f} MiB; "
        f"after {edits:,} edits {rows[-1][1] / mib:.1f} MiB (growth {growth / mib:+.2f} MiB); "
        f"after close {closed_rss / mib:.1f} MiB"
    )
    print(
        f"publishes: {rows[-1][3]:,} for {edits:,} edits; "
        f"final diagnostics equal a fresh open: {same}"
    )
    ok = growth < BUDGET_KB and same
    print("verdict:", "PASS" if ok else "FAIL", f"(budget: growth < {BUDGET_KB // mib} MiB)")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=100_000)
    parser.add_argument("--step", type=int, default=10_000, help="sample RSS every N edits")
    parser.add_argument("--debounce", type=int, default=50, help="debounceMs (shipped default 50)")
    parser.add_argument("--body-lines", type=int, default=40, help="lines of body text")
    args = parser.parse_args()
    return asyncio.run(soak(args.edits, args.step, args.debounce, args.body_lines))


if __name__ == "__main__":
    sys.exit(main())
