"""Gunicorn's access log without the scanner: a QR scan (``/q/…``) is logged with its
path, status and timing, never the client's address, user agent, referrer or headers.

What a scan records is numbers only (``media/reach/scans.py``); the access log, written
at INFO for every request, would otherwise keep the address and user agent of every
phone that scanned a leaflet.
"""

from gunicorn.glogging import Logger

SCAN_PREFIX = "/q/"
PERSONAL_ATOMS = ("h", "a", "f", "u")


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        if (environ.get("PATH_INFO") or "").startswith(SCAN_PREFIX):
            for key in list(atoms):
                if key in PERSONAL_ATOMS or (key.startswith("{") and key[-1] in "ie"):
                    atoms[key] = "-"
        return atoms
