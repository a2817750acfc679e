import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from media.reach import demo, services
from media.reach.models import CampaignPage, ImportJob, Tally
from media.reach.permissions import ensure_clerks_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(home):
    demo.load(only=["campaigns/100-day-campaign"])  # the past campaign alone
    return CampaignPage.objects.get(slug="100-day-campaign", locale=home.locale)


@pytest.fixture
def clerk(client, django_user_model):
    user = django_user_model.objects.create_user("clerk", "clerk@example.cn", "pw")
    user.groups.add(ensure_clerks_group())
    client.force_login(user)
    return user


def test_public_campaign_page_shows_approved_figures_with_progress_and_chart(client, campaign):
    response = client.get(campaign.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "3,800" in html and "2,000+" in html and "3,100+" in html
    assert "<progress" in html and 'role="img"' in html and "<caption>" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]
    # Unapproved figures never show.
    day = datetime.date(2020, 11, 2)
    plays = Tally.objects.filter(metric__code="screen-plays").first()
    services.record_tally(
        metric=plays.metric, channel=plays.channel, place=plays.place, day=day, count=1_000_000
    )
    assert "1,003,800" not in client.get(campaign.url).content.decode()


def test_the_campaign_figures_are_added_up_once_until_a_figure_changes(
    client, campaign, admin_user, django_assert_num_queries, settings
):
    """The page keeps its figures as data under the reach generation: a second raw
    render (no page cache) reads no tally, and an approval revoked shows on the next."""
    from media.reach.models import ApprovedPeriod

    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 0
    assert "3,800" in client.get(campaign.url).content.decode()
    with django_assert_num_queries(0):  # the language links and breadcrumbs are kept too
        client.get(campaign.url)
    period = ApprovedPeriod.objects.get(campaign=campaign)
    services.revoke_approval(period, user=admin_user, reason="八月的数字有误")
    assert "3,800" not in client.get(campaign.url).content.decode()


def test_english_alias_shows_the_same_figures(client, campaign):
    from education.i18n import sync_translation_aliases

    sync_translation_aliases()
    response = client.get("/en/campaigns/100-day-campaign/")
    assert response.status_code == 200
    assert "3,800" in response.content.decode()


def test_the_english_campaign_page_names_metrics_and_channels_in_english(client, campaign):
    """Metric and channel names are data with an English twin; Chinese where none is set."""
    from education.i18n import sync_translation_aliases
    from media.reach.models import Channel, Metric

    sync_translation_aliases()
    Metric.objects.filter(code="screen-plays").update(name_en="Films and posters played")
    Channel.objects.filter(code="bus").update(name_en="Bus screens")
    english = client.get("/en/campaigns/100-day-campaign/").content.decode()
    assert "Films and posters played" in english and "Bus screens" in english
    assert "宣传片与海报播放" not in english and "公交车载屏" not in english
    assert "户外大屏" in english  # no English name yet: the Chinese one, not a blank
    chinese = client.get(campaign.url).content.decode()
    assert "宣传片与海报播放" in chinese and "公交车载屏" in chinese
    assert "Bus screens" not in chinese


def test_reach_figures_tag_renders_for_the_home_page(campaign):
    from django.template import Context, Template

    html = Template("{% load reach_tags %}{% reach_figures %}").render(Context({}))
    assert "3,800" in html and "579" in html


def test_quick_entry_saves_a_day_and_rejects_bad_input_with_400(client, clerk, campaign):
    url = "/admin/reach_entry/"
    form = client.get(url).context["form"]
    leaflets = next(c for c in form.channels if c.metric.code == "leaflets" and c.code == "truck")
    place = form.fields["place"].queryset.get(name="南闸街道")
    today = timezone.localdate().isoformat()
    bad = client.post(url, {"day": today, "place": place.pk, f"c{leaflets.pk}": "-3"})
    assert bad.status_code == 400 and "不能为负数" in bad.content.decode()
    ok = client.post(url, {"day": today, "place": place.pk, f"c{leaflets.pk}": "150+"})
    assert ok.status_code == 302
    tally = Tally.objects.get(period_start=timezone.localdate(), metric__code="leaflets")
    assert (tally.count, tally.qualifier, tally.created_by) == (150, "at_least", clerk)
    # Inside the approved campaign period the form refuses with a clear message.
    locked = client.post(
        url,
        {"day": "2020-08-01", "place": place.pk, "campaign": campaign.pk, f"c{leaflets.pk}": "5"},
    )
    assert locked.status_code == 400 and "已审核" in locked.content.decode()


def test_dashboard_filters_hostile_query_and_export(client, clerk, campaign):
    response = client.get("/admin/reach_admin/")
    assert response.status_code == 200 and "3,800" in response.content.decode()
    assert client.get("/admin/reach_admin/?metric=abc&start=yesterday&bucket=x").status_code == 200
    export = client.get(f"/admin/reach_admin/?campaign={campaign.pk}&format=csv")
    assert export["Content-Type"].startswith("text/csv")
    assert "3800" in export.content.decode("utf-8-sig")


def test_import_screens_dry_run_then_confirm(
    client, clerk, campaign, django_capture_on_commit_callbacks
):
    template = client.get("/admin/reach_import/?template=csv")
    assert "日期" in template.content.decode("utf-8-sig")
    csv = "日期,指标,渠道,地点,数量\n2020-11-02,leaflets,truck,澄江街道,7777\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/reach_import/", {"file": SimpleUploadedFile("a.csv", csv.encode())}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and not Tally.objects.filter(count=7777).exists()
    page = client.get(f"/admin/reach_admin/import/{job.pk}/")
    assert "导入这些行" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/reach_admin/import/{job.pk}/")
    assert Tally.objects.filter(count=7777, source="imported").exists()
    with django_capture_on_commit_callbacks(execute=True):
        bad = client.post(
            "/admin/reach_import/", {"file": SimpleUploadedFile("b.csv", b"x,y\n1,2\n")}
        )
    assert client.get(bad["Location"]).status_code == 400


def test_people_without_permission_are_refused(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw")
    user.groups.add(Group.objects.get_or_create(name="Editors")[0])
    client.force_login(user)
    assert client.get("/admin/reach_admin/").status_code in {302, 403}


def test_tally_edit_in_locked_period_is_refused_in_admin(client, campaign, admin_client):
    tally = Tally.objects.filter(campaign=campaign).first()
    response = admin_client.post(
        f"/admin/reach_tallies/edit/{tally.pk}/", {"count": 1, "qualifier": "exact", "note": ""}
    )
    assert response.status_code == 200 and "已审核" in response.content.decode()
    tally.refresh_from_db()
    assert tally.count != 1


def test_tally_listing_export_neutralises_formulas(admin_client, campaign):
    tally = Tally.objects.filter(campaign=campaign).first()
    Tally.objects.filter(pk=tally.pk).update(note="=cmd|' /C calc'!A0")
    response = admin_client.get("/admin/reach_tallies/?export=csv&source=entered")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "'=cmd|" in body
    assert ",=cmd" not in body and "\n=cmd" not in body


def test_running_import_shows_live_progress_and_refreshes_without_javascript(client, clerk):
    from django.core.cache import cache

    from media.reach.services import progress_key

    job = ImportJob.objects.create(
        filename="big.csv", status=ImportJob.Status.RUNNING, total=10, created_by=clerk
    )
    cache.set(progress_key(job.pk), 5)
    html = client.get(f"/admin/reach_admin/import/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in html
    assert '<progress max="10" value="5">' in html


def test_approvals_are_revoked_never_deleted(client, clerk, admin_client, campaign):
    from django.urls import NoReverseMatch, reverse

    from media.reach.models import ApprovedPeriod

    period = ApprovedPeriod.objects.get(campaign=campaign)
    with pytest.raises(NoReverseMatch):
        reverse("reach_approvals:delete", args=(period.pk,))
    assert admin_client.post(f"/admin/reach_approvals/delete/{period.pk}/").status_code == 404
    listing = admin_client.get("/admin/reach_approvals/").content.decode()
    assert f"/admin/reach_approvals/revoke/{period.pk}/" in listing
    assert f"/admin/reach_approvals/delete/{period.pk}/" not in listing
    # Clerks may see approvals but not revoke them.
    url = f"/admin/reach_approvals/revoke/{period.pk}/"
    assert client.post(url, {"reason": "x"}).status_code in {302, 403}
    period.refresh_from_db()
    assert not period.revoked
    assert "3,800" in client.get(campaign.url).content.decode()
    assert 'name="reason"' in admin_client.get(url).content.decode()
    assert admin_client.post(url, {"reason": ""}).status_code == 400
    response = admin_client.post(url, {"reason": "八月的数字有误"})
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.revoked and period.revoke_reason == "八月的数字有误"
    assert not Tally.objects.filter(campaign=campaign, approved=True).exists()
    assert "3,800" not in client.get(campaign.url).content.decode()
    # Editable again, and still not public until approved again.
    tally = Tally.objects.filter(campaign=campaign, metric__code="screen-plays").first()
    admin_client.post(
        f"/admin/reach_tallies/edit/{tally.pk}/",
        {"count": tally.count + 1, "qualifier": "exact", "note": "", "reason": "recount"},
    )
    tally.refresh_from_db()
    assert not tally.approved
    assert "3,801" not in client.get(campaign.url).content.decode()


def test_approval_form_refuses_a_period_cutting_through_a_week(admin_client, campaign):
    plays = Tally.objects.filter(metric__code="screen-plays").first()
    services.record_tally(
        metric=plays.metric,
        channel=plays.channel,
        place=plays.place,
        day=datetime.date(2020, 11, 2),
        count=5,
        period_kind="week",
    )
    response = admin_client.post(
        "/admin/reach_approvals/new/", {"start": "2020-11-04", "end": "2020-11-30", "note": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "2020-11-02" in html
    assert not Tally.objects.filter(period_start=datetime.date(2020, 11, 2), approved=True).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "huge.csv",
            ("日期,指标,渠道,地点,数量\n" + "2020-11-02,leaflets,truck,澄江街道,5\n" * 1_500_000),
            "文件超过 5 MB",
        ),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 2000, "不是 CSV 或 XLSX"),
        ("figures.xlsx", b"PK\x03\x04 not really a workbook", "不是 CSV 或 XLSX"),
    ],
    ids=["over 50 MB", "PNG named .csv", "fake xlsx"],
)
def test_bad_files_through_the_import_screen_get_a_clear_400(
    client, clerk, campaign, name, content, message
):
    data = content.encode() if isinstance(content, str) else content
    if name == "huge.csv":
        assert len(data) > 50 * 1024 * 1024
    tallies = Tally.objects.count()
    response = client.post("/admin/reach_import/", {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 400
    assert message in page.content.decode()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID and not job.file
    assert Tally.objects.count() == tallies
    # Confirming an invalid job imports nothing either.
    client.post(response["Location"])
    assert Tally.objects.count() == tallies


def test_dashboard_filters_by_channel_and_ignores_hostile_channels(client, clerk, campaign):
    from media.reach.models import Channel

    bus = Channel.objects.get(metric__code="screen-plays", code="bus")
    url = f"/admin/reach_admin/?campaign={campaign.pk}"
    response = client.get(f"{url}&channel={bus.pk}")
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["channel"] == bus
    shown = {f["metric"].code: f["display"] for f in response.context["figures"]}
    assert (shown["screen-plays"], shown["leaflets"]) == ("1,600", "0")  # targets stay, at 0
    export = client.get(f"{url}&channel={bus.pk}&format=csv").content.decode("utf-8-sig")
    assert "1600" in export and "3800" not in export
    for hostile in ("abc", "999999", "1%27%20OR%201=1", "-1"):
        response = client.get(f"{url}&channel={hostile}")
        assert response.status_code == 200
        shown = {f["metric"].code: f["display"] for f in response.context["figures"]}
        assert shown["screen-plays"] == "3,800"


def test_tally_listing_export_writes_labels_in_the_readers_language(admin_client, campaign):
    import csv
    import io

    leaflets = Tally.objects.filter(metric__code="leaflets").first().metric_id
    response = admin_client.get(f"/admin/reach_tallies/?export=csv&metric={leaflets}")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert (first["精确度"], first["周期"], first["来源"], first["已审核"]) == (
        "至少",
        "日",
        "手工录入",
        "是",
    )
    body = "\n".join(",".join(row) for row in rows[1:])
    for code in ("at_least", "entered", "True", "False", ",day,"):
        assert code not in body
    assert len(header) == len(first)
    leaflets = Tally.objects.filter(metric_id=leaflets).first()
    later = services.record_tally(
        metric=leaflets.metric,
        channel=leaflets.channel,
        place=leaflets.place,
        day=datetime.date(2020, 11, 2),
        count=1,
    )[0]
    services.change_tally(later, count=2)
    revisions = admin_client.get("/admin/reach_revisions/?export=csv")
    trail = b"".join(revisions.streaming_content).decode("utf-8")
    assert ",修改," in trail and ",update," not in trail and ",新建," in trail

    # A figure not yet approved says so ("否"): the listing once turned the label "No"
    # into "yes" by reading it as a boolean a second time.
    Tally.objects.filter(metric_id=leaflets.metric_id).update(approved=False)
    response = admin_client.get(f"/admin/reach_tallies/?export=csv&metric={leaflets.metric_id}")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert rows and {row["已审核"] for row in rows} == {"否"}


def test_dashboard_filters_offer_the_empty_choice_in_chinese(client, clerk, campaign):
    import re

    html = client.get("/admin/reach_admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    empty = re.findall(r'<select name="(\w+)"[^>]*>\s*<option value=""[^>]*>([^<]*)</option>', html)
    assert {name for name, _ in empty} >= {"campaign", "metric", "channel", "place", "source"}
    assert {label for _, label in empty} == {"- 请选择 -"}


def test_a_channel_or_metric_renamed_shows_on_the_campaign_page_at_once(client, campaign):
    """Channels and metrics are edited in the admin with no page published and no
    figure changed; the campaign's kept report names them, and follows at once."""
    from media.reach.models import Channel, Metric

    assert "公交车载屏" in client.get(campaign.url).content.decode()
    channel = Channel.objects.get(code="bus")
    channel.name = "公交移动电视"
    channel.save()
    metric = Metric.objects.get(code="screen-plays")
    metric.name = "宣传片播放"
    metric.save()
    html = client.get(campaign.url).content.decode()
    assert "公交移动电视" in html and "公交车载屏" not in html
    assert "宣传片播放" in html and "宣传片与海报播放" not in html
