"""A throw-away PostgreSQL server for the benchmarks (the test suite's own, from tests/conftest.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def start() -> Any | None:
    """A started server on 127.0.0.1, or None (and a message) when the Debian binaries are missing."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import PgServer, pg_binaries

    bindir = pg_binaries()
    if bindir is None:
        print("postgresql: skipped (no binaries)")
        return None
    server = PgServer(bindir)
    server.start()
    return server
