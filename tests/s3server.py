"""An S3-compatible server for the test run: moto's server mode, on a loopback port.

moto answers the S3 API over HTTP like a real server (signatures, object ACLs: an
anonymous GET of a private object is refused), and installs from PyPI with the test
dependencies, so ``make test`` and CI need no extra step. Why not a server written in
Go (SeaweedFS, MinIO): see docs/deployment.md.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

ACCESS_KEY = "firebreak-test"
SECRET_KEY = "firebreak-test-secret"  # noqa: S105 - the throwaway server's own
REGION = "us-east-1"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(log_path):
    """Start the server; return (process, endpoint URL) once it answers."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the S3 server stopped at start; see {log_path}")
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2):  # noqa: S310
                return process, endpoint
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"the S3 server did not answer within 60 s; see {log_path}")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def environment(endpoint):
    """The deployment's S3 variables for two new, empty buckets on ``endpoint``.

    The buckets are made here, as an operator makes them before the first deploy.
    """
    import boto3

    suffix = uuid.uuid4().hex[:10]
    env = {
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "S3_PUBLIC_BUCKET": f"public-{suffix}",
        "S3_PRIVATE_BUCKET": f"private-{suffix}",
    }
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    for bucket in (env["S3_PUBLIC_BUCKET"], env["S3_PRIVATE_BUCKET"]):
        client.create_bucket(Bucket=bucket)
    return env


def anonymous_get(url):
    """The status and body a visitor without credentials gets for ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""
