#!/usr/bin/env python3
"""Stub MCP server: records its start, answers initialize and tools/list with one tool."""

import json
import os
import sys

name = sys.argv[1] if len(sys.argv) > 1 else "unnamed"
marker = os.environ.get("MCP_STUB_LOG") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "started.log"
)
with open(marker, "a") as f:
    f.write(
        json.dumps(
            {
                "argv": sys.argv[1:],
                "env": {k: v for k, v in os.environ.items() if k.startswith("STUB_")},
            }
        )
        + "\n"
    )
for line in sys.stdin:
    try:
        msg = json.loads(line)
    except ValueError:
        continue
    if "id" not in msg:
        continue
    method = msg.get("method")
    if method == "initialize":
        result = {
            "protocolVersion": msg.get("params", {}).get("protocolVersion", "2024-11-05"),
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "stub", "version": "1"},
        }
    elif method == "tools/list":
        result = {
            "tools": [
                {
                    "name": "ping",
                    "description": "ping",
                    "inputSchema": {"type": "object", "properties": {}},
                }
            ]
        }
    else:
        result = {}
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": result}) + "\n")
    sys.stdout.flush()
