import datetime
from types import SimpleNamespace

from gunicorn.config import Config

from config.access_log import AccessLogger


def line(path):
    logger = AccessLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "Mozilla/5.0 PhoneModelX",
        "HTTP_X_FORWARDED_FOR": "198.51.100.4",
    }
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "198.51.100.4")])
    response = SimpleNamespace(status="302 Found", headers=[], sent=0)
    atoms = logger.atoms(response, request, environ, datetime.timedelta(milliseconds=3))
    return logger.cfg.access_log_format % atoms + repr(atoms)


def test_a_scan_is_logged_without_address_or_user_agent():
    logged = line("/q/k7m2xq/")
    assert "/q/k7m2xq/" in logged
    for personal in ("203.0.113.9", "PhoneModelX", "198.51.100.4"):
        assert personal not in logged


def test_other_requests_keep_the_usual_access_log():
    assert "203.0.113.9" in line("/safety-guides/")


def test_the_server_config_uses_it(monkeypatch, tmp_path):
    # Importing the config names a metrics folder; keep it out of later tests' processes.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    from config import gunicorn

    assert gunicorn.logger_class == "config.access_log.AccessLogger"
