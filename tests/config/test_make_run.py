"""`make run` serves where HOST and PORT say, and the links it sends point there too."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def site_urls_seen_by_run(tmp_path, *args, **env):
    """SITE_URL as each command of `make run` would see it, without running any of them."""
    seen = tmp_path / "seen"
    probe = tmp_path / "probe"
    probe.write_text(f'#!/bin/sh\necho "$SITE_URL" >> {seen}\n')
    probe.chmod(0o755)
    environment = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | env
    subprocess.run(
        ["make", "-s", "-o", "messages", "run", f"SHELL={probe}", *args],
        cwd=Path(settings.BASE_DIR),
        env=environment,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return set(seen.read_text().split())


def test_site_url_follows_host_and_port(tmp_path):
    assert site_urls_seen_by_run(tmp_path, "HOST=127.0.0.2", "PORT=9123") == {
        "http://127.0.0.2:9123"
    }


def test_an_explicit_site_url_wins(tmp_path):
    assert site_urls_seen_by_run(tmp_path, "PORT=9123", SITE_URL="https://fire.example.cn") == {
        "https://fire.example.cn"
    }
