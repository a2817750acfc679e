"""Each site's settings name its city and the department's short name (the header's,
no longer a translation of the product's name); a centre's district or town is a
place of the city.

Until now a centre's district was one of a list of a single city's districts written in
code. Each centre now points at a district or town place of its site's city. Existing
values become the place of that name under the city (made, as a town, when missing),
in the centre and in its saved revisions, so an old revision still opens.

Which city: the one the centre's site's settings name; else the only city at the top of
the place tree; else the city the old list described (the one the list's names lie in).
Settings that name no city get the only city at the top of the tree, if there is one.
Places get an English name (the old list's English labels).
"""

import django.db.models.deletion
from django.db import migrations, models

# What the removed list held: its stored values and the names of those places.
LEGACY_CITY = "江阴市"
LEGACY_NAMES = {
    "chengjiang": ("澄江街道", "Chengjiang"),
    "chengdong": ("城东街道", "Chengdong"),
    "nanzha": ("南闸街道", "Nanzha"),
    "yunting": ("云亭街道", "Yunting"),
    "xiagang": ("夏港街道", "Xiagang"),
    "hightech": ("高新区", "High-tech zone"),
    "huashi": ("华士镇", "Huashi"),
    "zhouzhuang": ("周庄镇", "Zhouzhuang"),
    "xinqiao": ("新桥镇", "Xinqiao"),
    "changjing": ("长泾镇", "Changjing"),
    "zhutang": ("祝塘镇", "Zhutang"),
    "yuecheng": ("月城镇", "Yuecheng"),
    "qingyang": ("青阳镇", "Qingyang"),
    "xuxiake": ("徐霞客镇", "Xuxiake"),
}
CENTRE_KINDS = ("district", "town")


def _site_roots(apps):
    """[(root path, site id)], the longest first, root translations included."""
    Site = apps.get_model("wagtailcore", "Site")
    Page = apps.get_model("wagtailcore", "Page")
    roots = []
    for site in Site.objects.select_related("root_page"):
        key = site.root_page.translation_key
        for path in Page.objects.filter(translation_key=key).values_list("path", flat=True):
            roots.append((path, site.pk))
    return sorted(roots, key=lambda root: -len(root[0]))


def forward(apps, schema_editor):
    Place = apps.get_model("education", "Place")
    SiteSettings = apps.get_model("education", "SiteSettings")
    Centre = apps.get_model("education", "ExperienceCenterPage")
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")

    tops = list(Place.objects.filter(parent=None, kind="city").order_by("pk"))
    if len(tops) == 1:
        SiteSettings.objects.filter(city=None).update(city=tops[0])
    centres = list(Centre.objects.values_list("pk", "path", "district"))
    if not centres:
        return
    roots = _site_roots(apps)
    cities, places = {}, {}

    def city_for(path):
        site_id = next((site for root, site in roots if path.startswith(root)), None)
        if site_id not in cities:
            settings = SiteSettings.objects.filter(site_id=site_id).first()
            city = settings.city if settings and settings.city_id else None
            if city is None:
                city = tops[0] if tops else None
            if city is None:
                city = Place.objects.get_or_create(
                    name=LEGACY_CITY, parent=None, defaults={"kind": "city"}
                )[0]
                tops.append(city)
            if settings is not None and not settings.city_id:
                settings.city = city
                settings.save(update_fields=["city"])
            cities[site_id] = city
        return cities[site_id]

    def place_for(city, value):
        name, name_en = LEGACY_NAMES.get(value, (value[:80], ""))
        if (city.pk, name) not in places:
            inside = Place.objects.filter(name=name, kind__in=CENTRE_KINDS)
            place = (
                inside.filter(parent=city).first()
                or inside.filter(parent__parent=city).first()
                or Place.objects.create(name=name, kind="town", parent=city)
            )
            if name_en and not place.name_en:
                place.name_en = name_en
                place.save(update_fields=["name_en"])
            places[(city.pk, name)] = place
        return places[(city.pk, name)]

    centre_type = ContentType.objects.filter(
        app_label="education", model="experiencecenterpage"
    ).first()
    for pk, path, value in centres:
        city = city_for(path)
        Centre.objects.filter(pk=pk).update(district_place=place_for(city, value))
        for revision in Revision.objects.filter(content_type=centre_type, object_id=str(pk)):
            old = revision.content.get("district")
            if isinstance(old, str) and old:
                revision.content["district"] = place_for(city, old).pk
                revision.save(update_fields=["content"])


def backward(apps, schema_editor):
    Centre = apps.get_model("education", "ExperienceCenterPage")
    values = {name: value for value, (name, _name_en) in LEGACY_NAMES.items()}
    for centre in Centre.objects.select_related("district_place"):
        name = centre.district_place.name if centre.district_place_id else ""
        Centre.objects.filter(pk=centre.pk).update(district=values.get(name, name[:20]))


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("education", "0009_place"),
    ]

    operations = [
        migrations.AddField(
            model_name="sitesettings",
            name="short_name",
            field=models.CharField(
                blank=True,
                help_text=(
                    "Shown beside the logo in the header of every page, e.g. a city's name "
                    "and 消防."
                ),
                max_length=20,
                verbose_name="short name",
            ),
        ),
        migrations.AddField(
            model_name="sitesettings",
            name="short_name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown on the English site; the Chinese value is used when this is empty.",
                max_length=30,
                verbose_name="short name in English",
            ),
        ),
        migrations.AddField(
            model_name="place",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown on the English site; the Chinese value is used when this is empty.",
                max_length=80,
                verbose_name="name in English",
            ),
        ),
        migrations.AddField(
            model_name="sitesettings",
            name="city",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "The city this site serves: its districts, towns and venues are the "
                    "site's places (experience centres, reach figures)."
                ),
                limit_choices_to={"kind": "city", "parent": None},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="education.place",
                verbose_name="city",
            ),
        ),
        migrations.AlterField(
            model_name="sitesettings",
            name="department_name",
            field=models.CharField(
                blank=True,
                help_text="Printed on guides and booking confirmations.",
                max_length=80,
                verbose_name="department name",
            ),
        ),
        migrations.AddField(
            model_name="experiencecenterpage",
            name="district_place",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="education.place",
            ),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="experiencecenterpage", name="district"),
        migrations.RenameField(
            model_name="experiencecenterpage", old_name="district_place", new_name="district"
        ),
        migrations.AlterField(
            model_name="experiencecenterpage",
            name="district",
            field=models.ForeignKey(
                help_text="A district or town of this site's city (site settings).",
                limit_choices_to={"kind__in": ("district", "town")},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="centres",
                to="education.place",
                verbose_name="district or town",
            ),
        ),
    ]
