"""Production: everything secure, and what a deployment must supply is required."""

import os

from django.core.exceptions import ImproperlyConfigured

from config.observability import logging_config

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of 50 or more characters in production."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host names in production.")

# The log backend writes every SMS to the log: a real site names its gateway's backend,
# and a site without SMS must say so by naming the log backend itself.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "")
if not SMS_BACKEND:
    raise ImproperlyConfigured(
        "SMS_BACKEND must name the SMS gateway's backend in production; set it to "
        "core.sms.LogSMSBackend to choose, explicitly, SMS written (masked) to the log."
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# Machines on the internal network: the load balancer's health check and the metrics
# scrape (which carries its own token) may come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics/$"]

# One JSON object per log line, for the log shipper (LOG_FORMAT=plain to read by eye).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = logging_config(LOG_FORMAT, os.environ.get("LOG_LEVEL", "INFO"))
