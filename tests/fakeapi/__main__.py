"""`python -m fakeapi [--port N] [--text ANSWER] [--delay S]`, run from tests/: serve until ^C."""

import argparse
import sys
import time

from .replies import reply_text
from .server import FakeAnthropic

parser = argparse.ArgumentParser(prog="fakeapi", description=__doc__)
parser.add_argument("--port", type=int, default=0)
parser.add_argument("--text", default="OK", help="the answer to every request")
parser.add_argument("--delay", type=float, default=0.0, help="seconds before the first byte")
args = parser.parse_args()
with FakeAnthropic(
    default=reply_text(args.text, first_byte_delay=args.delay), port=args.port
) as api:
    sys.stdout.write(f"{api.base_url}\n")
    sys.stdout.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
