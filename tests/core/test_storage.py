"""Which storages the environment chooses (core/storage.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.storage import PrivateFileSystemStorage, private_storage, storage_settings

STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def test_without_buckets_files_stay_on_the_local_disk():
    chosen = storage_settings({}, static=STATIC)
    assert chosen["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert chosen["private"]["BACKEND"] == "core.storage.PrivateFileSystemStorage"
    assert chosen["staticfiles"] == STATIC


def test_two_buckets_put_both_storages_on_s3():
    env = {
        "S3_PUBLIC_BUCKET": "site-media",
        "S3_PRIVATE_BUCKET": "site-private",
        "S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "S3_PUBLIC_DOMAIN": "media.example.org",
        "S3_PUBLIC_ACL": "",
    }
    chosen = storage_settings(env, static=STATIC)
    public, private = chosen["default"], chosen["private"]
    assert public["BACKEND"] == "core.s3.PublicS3Storage"
    assert private["BACKEND"] == "core.s3.PrivateS3Storage"
    assert public["OPTIONS"]["bucket_name"] == "site-media"
    assert private["OPTIONS"]["bucket_name"] == "site-private"
    assert public["OPTIONS"]["custom_domain"] == "media.example.org"
    assert public["OPTIONS"]["default_acl"] is None  # the bucket policy decides
    assert "custom_domain" not in private["OPTIONS"]
    assert private["OPTIONS"]["addressing_style"] == "path"


@pytest.mark.parametrize(
    "env",
    [
        {"S3_PUBLIC_BUCKET": "site-media"},
        {"S3_PRIVATE_BUCKET": "site-private"},
        {"S3_PUBLIC_BUCKET": "same", "S3_PRIVATE_BUCKET": "same"},
    ],
)
def test_one_bucket_alone_or_one_bucket_for_both_is_refused(env):
    with pytest.raises(ImproperlyConfigured):
        storage_settings(env, static=STATIC)


def test_the_private_folder_follows_its_setting_and_has_no_url(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "elsewhere"
    storage = PrivateFileSystemStorage()
    assert storage.location == str(tmp_path / "elsewhere")
    with pytest.raises(ValueError):
        storage.url("contest/originals/x.png")


def test_the_private_storage_follows_a_changed_storages_setting(settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import InMemoryStorage

    assert not private_storage.exists("note.txt")  # set up: the disk folder
    assert isinstance(private_storage._wrapped, PrivateFileSystemStorage)
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    name = private_storage.save("note.txt", ContentFile(b"x"))
    assert isinstance(private_storage._wrapped, InMemoryStorage)
    assert private_storage.exists(name)
