"""What paper carries: the department and its numbers on every printed page, and the
leaflet's headings."""

import pytest
from wagtail.models import Site

from core.demo import read
from education import demo
from education.models import SiteSettings

pytestmark = pytest.mark.django_db


def test_every_page_prints_the_department_and_its_hotlines(client, home):
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.department_name = "江阴市消防救援大队"
    site_settings.department_name_en = "Jiangyin Fire and Rescue Brigade"
    site_settings.service_hours = "工作日 8:30–17:30"
    site_settings.save()
    zh = client.get("/").content.decode()
    footer = zh[zh.index('<p class="print-footer"') :].split("</p>")[0]
    assert "江阴市消防救援大队" in footer and "119" in footer and "0510-8686 0119" in footer
    en = client.get("/en/").content.decode()
    assert "Jiangyin Fire and Rescue Brigade" in en[en.index('<p class="print-footer"') :]


def test_the_leaflet_keeps_the_headings_of_its_steps(monkeypatch):
    drawn = []
    monkeypatch.setattr(
        demo.ImageDraw.ImageDraw, "text", lambda self, xy, text, **kw: drawn.append(text)
    )
    guides = read(demo.__file__, "guides")["pages"]
    guide = next(g for g in guides if g["path"] == "safety-guides/e-bike-charging")
    demo.ensure_leaflet("e-bike-charging", guide)
    assert any("电动车着火时怎么办" in line for line in drawn)
