import datetime

from wagtail.models import Locale

from media.reach.models import (
    CampaignIndexPage,
    CampaignPage,
    CampaignTarget,
    Channel,
    Metric,
    Place,
)


def metric(code="screen-plays", unit=Metric.Unit.PLAYS, **kwargs):
    obj, _created = Metric.objects.get_or_create(
        code=code, defaults={"name": kwargs.pop("name", code), "unit": unit, **kwargs}
    )
    return obj


def channel(metric_obj, code="general", name=None):
    obj, _created = Channel.objects.get_or_create(
        metric=metric_obj, code=code, defaults={"name": name or code}
    )
    return obj


def place(name="澄江街道", kind=Place.Kind.TOWN, parent=None):
    obj, _created = Place.objects.get_or_create(name=name, parent=parent, defaults={"kind": kind})
    return obj


def campaign(
    home, *, start=datetime.date(2020, 7, 15), end=datetime.date(2020, 10, 22), targets=None
):
    index = CampaignIndexPage.objects.child_of(home).first()
    if index is None:
        index = CampaignIndexPage(title="宣传活动", slug="campaigns", locale=Locale.get_default())
        home.add_child(instance=index)
    page = CampaignPage(
        title="百日攻坚",
        slug="100-day-campaign",
        start_date=start,
        end_date=end,
        theme="消防安全专项整治",
        locale=Locale.get_default(),
    )
    index.add_child(instance=page)
    for metric_obj, target in (targets or {}).items():
        CampaignTarget.objects.create(page=page, metric=metric_obj, target=target)
    return page


def material(home, *, target=None, campaign_page=None, quantity=None, **kwargs):
    """A saved leaflet batch leading to ``target`` (default: the home page)."""
    from media.reach import services
    from media.reach.models import Material

    leaflets = metric("leaflets", Metric.Unit.COPIES)
    obj = Material(
        kind=kwargs.pop("kind", Material.Kind.LEAFLET),
        label=kwargs.pop("label", "电动车安全充电"),
        channel=kwargs.pop("channel", None) or channel(leaflets, "truck"),
        place=kwargs.pop("place", None) or place(),
        target_page=target or home,
        campaign=campaign_page,
        quantity=quantity,
        start_date=kwargs.pop("start_date", datetime.date(2020, 8, 3)),
        **kwargs,
    )
    return services.save_material(obj)
