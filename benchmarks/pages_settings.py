"""Production settings for the page benchmark: the product's URLs plus the minimal view."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchmarks.pages_urls"
