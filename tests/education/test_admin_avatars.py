"""Staff avatars never come from off-site (no Gravatar: blocked by the CSP and in China)."""

import re

import pytest
from django.contrib.auth.models import Group

from education.moderation import ensure_groups

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/admin/", "/admin/account/"])
def test_no_avatar_points_off_site(client, django_user_model, home, url):
    ensure_groups()
    user = django_user_model.objects.create_user(
        "editor", email="editor@example.cn", password="pw-123456789"
    )
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    html = client.get(url).content.decode()
    sources = re.findall(r'<img[^>]*\ssrc="([^"]*)"', html)
    assert sources, "the page shows the user's avatar"
    assert [src for src in sources if not src.startswith("/") or src.startswith("//")] == []
