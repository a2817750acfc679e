"""A WSGI app for tests/config/test_bounded_waits.py: says which stamp it got, and when.

``/slow`` holds the worker's only thread for a while, so the next request queues.
"""

import time


def application(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        time.sleep(1.5)
    body = f"{environ.get('HTTP_X_REQUEST_START', '')}|{time.time():.3f}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
