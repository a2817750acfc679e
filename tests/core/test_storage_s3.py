"""The public and private storages on an S3 server (tests/s3server.py), as production runs.

Every file goes through the storage API; these tests prove that holds on S3: each round
trip, originals never reachable without the site's credentials, EXIF stripped before
anything is stored, withdrawal deleting the objects themselves.
"""

import io

import boto3
import pytest
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.urls import reverse
from PIL import Image

from core.storage import private_storage
from media.contest import services
from media.contest.models import Entry
from tests import s3server
from tests.media.contest.factories import make_contest, make_notice, staff, upload
from tests.media.contest.test_uploads import GPS_TAG, jpeg_with_gps


@pytest.fixture
def s3(s3_storages):
    """A boto3 client with the site's credentials, and the bucket names."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_storages["S3_ENDPOINT_URL"],
        region_name=s3server.REGION,
        aws_access_key_id=s3server.ACCESS_KEY,
        aws_secret_access_key=s3server.SECRET_KEY,
    )
    client.public = s3_storages["S3_PUBLIC_BUCKET"]
    client.private = s3_storages["S3_PRIVATE_BUCKET"]
    client.endpoint = s3_storages["S3_ENDPOINT_URL"]
    return client


def keys(client, bucket):
    return {item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])}


def exists(client, bucket, key):
    try:
        client.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        assert error.response["Error"]["Code"] in ("404", "NoSuchKey")
        return False
    return True


def assert_no_metadata(data):
    assert b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif().get_ifd(GPS_TAG)
        assert GPS_TAG not in image.getexif()


@pytest.mark.parametrize("alias", ["default", "private"])
def test_each_storage_round_trips_on_s3(s3, alias):
    storage = storages[alias]
    bucket = s3.public if alias == "default" else s3.private
    name = storage.save("round-trip/note.txt", ContentFile("消防".encode()))
    second = storage.save("round-trip/note.txt", ContentFile(b"other"))
    assert second != name  # a new upload never replaces another one's file
    assert {name, second} <= keys(s3, bucket)
    with storage.open(name, "rb") as handle:
        assert handle.read().decode() == "消防"
    assert storage.exists(name) and storage.size(name) == len("消防".encode())
    assert sorted(storage.listdir("round-trip")[1]) == sorted(
        n.rsplit("/", 1)[1] for n in (name, second)
    )
    storage.delete(name)
    assert not exists(s3, bucket, name)


def test_public_files_have_plain_urls_and_private_ones_none(s3):
    name = default_storage.save("notices/open.txt", ContentFile(b"public"))
    url = default_storage.url(name)
    assert url.startswith(f"{s3.endpoint}/{s3.public}/") and "Signature" not in url
    assert s3server.anonymous_get(url) == (200, b"public")

    secret = private_storage.save("contest/originals/child.png", ContentFile(b"private"))
    with pytest.raises(ValueError):
        private_storage.url(secret)
    # Even knowing the bucket and key, a visitor without credentials is refused.
    status, body = s3server.anonymous_get(f"{s3.endpoint}/{s3.private}/{secret}")
    assert status == 403 and body == b""
    grants = s3.get_object_acl(Bucket=s3.private, Key=secret)["Grants"]
    assert all(grant["Grantee"].get("URI", "").find("AllUsers") < 0 for grant in grants)


def test_a_contest_original_on_s3_is_stripped_private_and_shown_to_staff_only(
    s3, client, home, django_capture_on_commit_callbacks
):
    contest = make_contest(home)
    make_notice()
    data = {
        "submitted_by": "guardian",
        "category": "drawing",
        "age_group": contest.age_groups.first().pk,
        "title": "消防车来了",
        "display_name": "小雨",
        "school": "江阴市实验小学",
        "grade": "2",
        "guardian_name": "王芳",
        "guardian_phone": "13912345678",
        "consent": "on",
        "notice_version": "1",
        "drawing": upload(jpeg_with_gps()),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(contest.url, data).status_code == 302
    entry = Entry.objects.get()
    assert keys(s3, s3.private) == {entry.original.name}
    assert keys(s3, s3.public) == set()
    stored = s3.get_object(Bucket=s3.private, Key=entry.original.name)["Body"].read()
    assert_no_metadata(stored)
    assert s3server.anonymous_get(f"{s3.endpoint}/{s3.private}/{entry.original.name}")[0] == 403

    original = reverse("contest_admin:original", args=[entry.pk])
    assert client.get(original).status_code in (302, 403)  # a visitor: to the login
    client.force_login(staff())
    response = client.get(original)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored

    # Approved: the renditions task reads the original and writes public files.
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(entry, by=staff("second"))
    entry.refresh_from_db()
    public = {entry.display_image.name, entry.thumbnail.name}
    assert keys(s3, s3.public) == public
    for field in (entry.display_image, entry.thumbnail):
        status, body = s3server.anonymous_get(field.url)
        assert status == 200
        assert_no_metadata(body)
    gallery = client.get(contest.url).content.decode()
    assert entry.thumbnail.url in gallery


def test_withdrawal_deletes_the_objects_on_s3(s3, home, django_capture_on_commit_callbacks):
    from tests.media.contest.factories import make_entry

    contest = make_contest(home)
    entry = make_entry(contest, status=Entry.Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(entry, by=staff())
    entry.refresh_from_db()
    names = [entry.original.name, entry.display_image.name, entry.thumbnail.name]
    assert all(names)
    assert exists(s3, s3.private, names[0]) and exists(s3, s3.public, names[1])
    with django_capture_on_commit_callbacks(execute=True):  # files go once it commits
        services.withdraw(entry)
    assert not exists(s3, s3.private, names[0])
    assert not any(exists(s3, s3.public, name) for name in names[1:])
    assert keys(s3, s3.private) == keys(s3, s3.public) == set()


def test_a_wagtail_image_on_s3_is_stored_clean_with_its_renditions(
    s3, db, django_capture_on_commit_callbacks
):
    from wagtail.images.models import Image as WagtailImage

    from core.renditions import template_specs

    with django_capture_on_commit_callbacks(execute=True):
        image = WagtailImage(title="演练", file=ContentFile(jpeg_with_gps(), name="drill.jpg"))
        image.save()
    stored = s3.get_object(Bucket=s3.public, Key=image.file.name)["Body"].read()
    assert_no_metadata(stored)
    # The worker's renditions, in the public bucket beside the original.
    made = image.renditions.all()
    assert {r.filter_spec for r in made} == set(template_specs())
    assert keys(s3, s3.public) == {image.file.name} | {r.file.name for r in made}
    status, body = s3server.anonymous_get(made[0].url)
    assert status == 200
    assert_no_metadata(body)
    assert keys(s3, s3.private) == set()
