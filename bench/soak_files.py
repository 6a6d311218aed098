"""Soak for `agent-ls check`: a folder of 10,000 files, some binary, some odd, some changing.

    .venv/bin/python bench/soak_files.py                 # 10,000 files, 3 runs
    .venv/bin/python bench/soak_files.py --files 2000 --runs 1

Builds a throwaway project whose `.claude/agents/` holds `--files` agent files (one in ten with a
misspelt tool), 5% binary files, a FIFO, a socket, a device link, broken and looping symlinks,
and a folder loop. Runs the check quietly, then again while a thread rewrites, deletes and swaps
files. Prints wall time, peak RSS, files checked and files reported; exits 1 if a run hung (over
`--timeout` seconds), crashed (a traceback) or reported a file twice.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECK = [
    str(ROOT / ".venv" / "bin" / "python"),
    "-m",
    "agent_ls",
    "check",
    ".claude",
    "--format",
    "json",
]
AGENT = (
    "---\nname: {name}\ndescription: Use this agent for {name}\ntools: {tools}\n---\n\n"
    "You do {name}.\n"
)


def build(root: Path, files: int) -> list[Path]:
    agents = root / ".claude" / "agents"
    rng = random.Random(1)
    paths = []
    for i in range(files):
        folder = agents / f"team-{i % 50}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"agent-{i}.md"
        if i % 20 == 0:
            path.write_bytes(rng.randbytes(2000) + b"\0")
        else:
            path.write_text(
                AGENT.format(name=f"agent-{i}", tools="Read, Reed" if i % 10 == 1 else "Read")
            )
        paths.append(path)
    os.mkfifo(agents / "fifo.md")
    (agents / "device.md").symlink_to("/dev/zero")
    (agents / "dangling.md").symlink_to(agents / "nowhere.md")
    (agents / "loop.md").symlink_to(agents / "loop.md")
    (agents / "team-0" / "up").symlink_to(agents)
    return paths


def run_check(root: Path, timeout: float) -> tuple[float, int, int, int, str]:
    """Returns (seconds, exit code, files checked, files reported, problem or '')."""
    started = time.perf_counter()
    try:
        result = subprocess.run(
            CHECK,
            cwd=root,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return timeout, -1, 0, 0, "hung"
    seconds = time.perf_counter() - started
    lines = result.stderr.splitlines()
    problem = ""
    if "Traceback" in result.stderr:
        problem = "crashed"
    elif len(lines) != len(set(lines)):
        problem = "reported a file twice"
    try:
        checked = len(json.loads(result.stdout)["files"])
    except ValueError:
        checked, problem = 0, problem or "bad JSON"
    return seconds, result.returncode, checked, len(lines), problem


def churn(paths: list[Path], stop: threading.Event) -> None:
    rng = random.Random(2)
    while not stop.is_set():
        path = rng.choice(paths)
        try:
            if path.is_dir():
                path.rmdir()
            elif rng.random() < 0.3:
                path.unlink(missing_ok=True)
                if rng.random() < 0.5:
                    path.mkdir()
            else:
                path.write_text(AGENT.format(name=path.stem, tools="Reed") * rng.randrange(1, 40))
        except OSError:
            pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="agent-ls-files-") as folder:
        root = Path(folder)
        paths = build(root, args.files)
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(root / ".claude" / "agents" / "socket.md"))
        for label, churning in [("quiet", False), ("churning", True)]:
            for _ in range(args.runs):
                stop = threading.Event()
                worker = threading.Thread(target=churn, args=(paths, stop), daemon=True)
                if churning:
                    worker.start()
                rows.append((label, *run_check(root, args.timeout)))
                stop.set()
                if churning:
                    worker.join(5)
        sock.close()
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"agent-ls check over {args.files:,} files ({args.files // 20:,} binary) plus 6 odd entries"
    )
    print(f"{'run':<9} {'seconds':>8} {'exit':>5} {'checked':>8} {'reported':>9}  problem")
    for label, seconds, code, checked, reported, problem in rows:
        print(
            f"{label:<9} {seconds:>8.2f} {code:>5} {checked:>8,} {reported:>9,}  {problem or '-'}"
        )
    for label in ("quiet", "churning"):
        times = [r[1] for r in rows if r[0] == label]
        print(f"median {label}: {statistics.median(times):.2f} s")
    print(f"peak RSS of any check: {peak_mib:.1f} MiB")
    failed = [r for r in rows if r[-1]]
    print("verdict:", "FAIL" if failed else "PASS", "(no hang, no crash, each file reported once)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
