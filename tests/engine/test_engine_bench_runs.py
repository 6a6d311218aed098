"""`bench/engine_bench.py` drives the engine and the server's completion cache through their
internal entry points: it broke unseen twice when those moved. Its quick run must still work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "engine_bench.py"


def test_the_engine_bench_runs_and_times_what_it_names() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results["completion_tools_items"] > 30  # the tools Claude Code knows
    for measure in ("check", "completion_tools", "completion_color", "hover_model"):
        assert results[measure], measure
