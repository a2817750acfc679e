"""The two storages on S3 or an S3-compatible server, through django-storages.

Chosen by ``core.storage.storage_settings`` when both buckets are named.
"""

from storages.backends.s3 import S3Storage

from .storage import NO_URL


class PublicS3Storage(S3Storage):
    """Public files: objects anyone may read, at a plain URL without a signature."""

    default_acl = "public-read"
    querystring_auth = False
    file_overwrite = False  # a new upload never replaces another one's file


class PrivateS3Storage(S3Storage):
    """Private files: objects with the private ACL, and no URL from this site.

    Reading one needs the site's credentials: contest staff get an original through a
    permission-checked view that streams it (``media/contest/admin_views.py``).
    """

    default_acl = "private"
    file_overwrite = False

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError(NO_URL)
