"""Where uploads live: a public storage and a private one, on disk or on S3.

Two aliases of ``settings.STORAGES`` hold every uploaded file:

- ``default``, the public storage: Wagtail images and renditions, documents, the
  contest's approved works and thumbnails. Anything in it may be fetched by its URL.
- ``private``: files nobody may fetch by URL — the contest's stripped originals and
  held drawings, and reach imports. It has no URL at all; contest staff get an
  original through a permission-checked view that streams it from the storage.

Code reads and writes files through these storages only (``storage.open``, ``save``,
``delete``, ``listdir``), never through a path on the local disk, so that a web process
and a worker on different machines see the same files. ``storage_settings`` builds both
aliases from the environment: no ``S3_*_BUCKET`` variables, the local folders in
``var/``; both buckets named, S3 (or any S3-compatible server) through django-storages.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, cached_property, empty

NO_URL = "Private files have no URL: staff get them through a permission-checked view."


class PrivateFileSystemStorage(FileSystemStorage):
    """The private storage on the local disk: outside MEDIA_ROOT, no URL.

    The folder is ``settings.PRIVATE_FILES_ROOT`` read at each use (unset: the folder
    "private" beside MEDIA_ROOT), so a changed setting applies at once.
    """

    @property
    def base_location(self):
        configured = getattr(settings, "PRIVATE_FILES_ROOT", "")
        return str(configured or Path(settings.MEDIA_ROOT).parent / "private")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError(NO_URL)


class PrivateStorage(LazyObject):
    """``storages["private"]``, looked up on first use and again after STORAGES changes.

    Model fields take their storage once, when the class is built; this proxy lets them
    follow the alias (the test settings switch it between disk and S3).
    """

    def _setup(self):
        self._wrapped = storages["private"]


private_storage = PrivateStorage()


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty


def storage_settings(environ, *, static):
    """``STORAGES`` from the environment: local folders, or S3 when both buckets are named.

    ``S3_PUBLIC_BUCKET`` and ``S3_PRIVATE_BUCKET`` go together: a private file left on
    one machine's disk while public ones are shared would break a second machine.
    """
    public_bucket = environ.get("S3_PUBLIC_BUCKET", "")
    private_bucket = environ.get("S3_PRIVATE_BUCKET", "")
    if not public_bucket and not private_bucket:
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {"BACKEND": "core.storage.PrivateFileSystemStorage"},
            "staticfiles": static,
        }
    if not (public_bucket and private_bucket) or public_bucket == private_bucket:
        raise ImproperlyConfigured(
            "S3_PUBLIC_BUCKET and S3_PRIVATE_BUCKET must both be set, to two different "
            "buckets, or both be left unset (files on the local disk)."
        )
    endpoint = environ.get("S3_ENDPOINT_URL", "")
    common = {
        "endpoint_url": endpoint or None,
        "region_name": environ.get("S3_REGION", "") or None,
        "access_key": environ.get("S3_ACCESS_KEY_ID", "") or None,
        "secret_key": environ.get("S3_SECRET_ACCESS_KEY", "") or None,
        # A server of one's own usually answers at one host name for every bucket.
        "addressing_style": environ.get("S3_ADDRESSING_STYLE", "path" if endpoint else "auto"),
    }
    public = {**common, "bucket_name": public_bucket}
    if environ.get("S3_PUBLIC_DOMAIN"):
        public["custom_domain"] = environ["S3_PUBLIC_DOMAIN"]
    if "S3_PUBLIC_ACL" in environ:  # empty: the bucket's policy decides, not object ACLs
        public["default_acl"] = environ["S3_PUBLIC_ACL"] or None
    return {
        "default": {"BACKEND": "core.s3.PublicS3Storage", "OPTIONS": public},
        "private": {
            "BACKEND": "core.s3.PrivateS3Storage",
            "OPTIONS": {**common, "bucket_name": private_bucket},
        },
        "staticfiles": static,
    }
