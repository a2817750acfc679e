"""benchmarks/gallery.py measures renders, not cache hits, and leaves nothing behind."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ROW = re.compile(r"^((?:home page|gallery).*?)\s+(\d+)\s+([\d.]+)\s+([\d.]+)$")


def tables(output):
    """{table heading: [(page, queries), ...]} from the script's output."""
    found, heading = {}, None
    for line in output.splitlines():
        if line.startswith(("Raw render", "Steady state")):
            heading = line
            found[heading] = []
        elif heading and (match := ROW.match(line.strip())):
            found[heading].append((match.group(1).strip(), int(match.group(2))))
    return found


def test_gallery_benchmark_times_uncached_renders(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PAGE_CACHE", "FRAGMENT_CACHE", "PYTEST"))
    }
    env["TMPDIR"] = str(scratch)
    result = subprocess.run(
        [sys.executable, "benchmarks/gallery.py", "--entries", "60", "--runs", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = tables(result.stdout)
    raw, steady = found.values()
    assert "PAGE_CACHE_SECONDS=0" in list(found)[0]
    assert "FRAGMENT_CACHE_SECONDS=0" in list(found)[0]
    assert len(raw) == len(steady) == 5
    # Every page rendered and ran its queries: none came from the page cache.
    assert all(queries > 0 for _page, queries in raw), raw
    gallery = {queries for page, queries in raw if page.startswith("gallery")}
    assert len(gallery) == 1, raw  # the same number of queries on every gallery page
    # The throwaway database went with its temporary folder.
    assert list(scratch.iterdir()) == []
