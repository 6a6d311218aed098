"""The floor under `agent-ls check`: walk a folder, read every `.md` file, compose its frontmatter.

`bench/run.py` runs it beside the linters (`python bench/floor_read_compose.py DIR`): one process,
the same walk as agent-ls (sorted, skipping .git and node_modules), each file read whole, the
frontmatter between the first two `---` lines composed into YAML nodes with libyaml (the C
parser), no rules and no output beyond one line of counts. `check` cannot do less and still check.
"""

from __future__ import annotations

import json
import os
import sys

import yaml

SKIP = {".git", "node_modules", ".venv", "venv", "__pycache__"}


def main(folder: str) -> None:
    files = composed = 0
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP)
        for name in sorted(names):
            if not name.endswith(".md"):
                continue
            with open(os.path.join(current, name), "rb") as handle:
                text = handle.read().decode("utf-8", errors="replace")
            files += 1
            if not text.startswith("---"):
                continue
            end = text.find("\n---", 3)
            if end == -1:
                continue
            try:
                yaml.compose(text[3:end], Loader=yaml.CSafeLoader)
                composed += 1
            except yaml.YAMLError:
                continue
    json.dump({"files": files, "composed": composed}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
