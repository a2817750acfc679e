"""A realistic body of news pages for the search benchmark, written by rule from a seed.

A city's site that has run for years holds thousands of short reports: street events,
meetings, notices, the fire department's visits. Most say nothing about fire safety; many
mention it in passing in the text (an extinguisher corner at a fair, a reminder about
charging e-bikes) but are not about it. Such pages are what a good ranking keeps below
the pages a query is about: here the fire-safety words never appear in a title or a
summary, only in the body, so no generated page is about any query of the query set,
and the judgements stay true at every size.
"""

import datetime
import json

from media.reach.demo import TOWNS

# The city's towns and streets (as the reach demo names them), and a few communities.
STREETS = [*TOWNS, "长寿社区", "君山社区", "虹桥社区", "朝阳社区"]
EVENTS = [
    "邻里节",
    "居民议事会",
    "文化广场演出",
    "图书馆阅读周",
    "菜市场改造完工",
    "公交线路调整听证会",
    "老年大学秋季招生",
    "垃圾分类积分兑换",
    "职工运动会",
    "无偿献血日",
    "志愿者表彰会",
    "物业工作例会",
    "少儿书法比赛",
    "便民服务集市",
    "健康义诊",
    "道路改造通车",
]
# What the report is about: never a word of fire safety.
OPENINGS = [
    "活动在社区广场举行，吸引了三百多名居民参加。",
    "街道办事处组织各村社区负责人参加会议，部署下一阶段工作。",
    "新的线路将于下月起运行，沿线站点设置向居民征求意见。",
    "本次活动由社区党群服务中心牵头，辖区单位和志愿者共同参与。",
    "今年报名人数比去年增加两成，课程涵盖书画、声乐和智能手机使用。",
    "现场提供理发、磨刀、家电维修等便民服务，居民排起了长队。",
]
# The rest of the report; some sentences touch fire safety in passing.
SENTENCES = [
    "居民们纷纷表示，这样的活动让邻里之间更熟悉了。",
    "负责人介绍，后续还将根据居民意见调整活动安排。",
    "现场还设置了咨询台，工作人员为老人解答医保和养老问题。",
    "会上，社区网格员提醒居民不要在楼道给电动车充电。",
    "活动现场设有一处灭火器使用体验点，不少孩子跟着工作人员练习。",
    "物业表示将于下月逐户检查小区的烟感报警器是否完好。",
    "老人们还跟着社区医生学习了测量血压的方法。",
    "志愿者提醒大家，家中燃气软管老化要及时更换。",
    "孩子们在老师带领下参观了展板，并合影留念。",
    "街道将继续完善公共服务设施，方便居民生活。",
    "活动结束前，主办方为参与者发放了纪念品。",
    "有居民建议在广场增加休息座椅和照明设施。",
    "社区工作人员顺带讲解了拨打119报警时要说清楚的地址信息。",
    "部分商户反映停车不便，街道表示将协调解决。",
    "下一期活动预计在月底举行，具体时间将在公告栏通知。",
    "一位参加活动的老人说，节假日燃放烟花爆竹要去指定地点。",
]


def news_pages(rng, count, start=0):
    """``count`` unsaved news pages (NewsPage), the same for the same seed."""
    from education.models import NewsPage

    today = datetime.date(2026, 12, 1)
    for n in range(start, start + count):
        street, event = rng.choice(STREETS), rng.choice(EVENTS)
        opening = rng.choice(OPENINGS)
        sentences = [opening, *rng.sample(SENTENCES, rng.randint(3, 7))]
        paragraphs = [
            {"type": "text", "value": f"<p>{''.join(sentences[i : i + 2])}</p>"}
            for i in range(0, len(sentences), 2)
        ]
        date = today - datetime.timedelta(days=rng.randint(0, 5 * 365))
        published = datetime.datetime.combine(date, datetime.time(9), tzinfo=datetime.UTC)
        yield NewsPage(
            title=f"{street}{event}（第{n}期）",
            slug=f"report-{n}",
            summary=f"{street}{opening}",
            date=date,
            body=json.dumps(paragraphs, ensure_ascii=False),
            first_published_at=published,
            last_published_at=published,
        )


def write_pages(parent, pages):
    """Write unsaved pages of one type as children of ``parent``, in bulk.

    A bulk import's way, not an editor's: the tree paths are computed here and each
    table gets one INSERT per batch (the page rows, then the page type's own rows), with
    no per-page signals; ``add_child`` takes about a second a page on a loaded machine,
    too slow for 10,000. The pages are live and published, and reachable by their URL.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import F
    from wagtail.models import Page

    pages = list(pages)
    if not pages:
        return pages
    model = type(pages[0])
    content_type = ContentType.objects.get_for_model(model)
    parent.refresh_from_db()
    last = parent.get_last_child()
    step = Page._str2int(last.path[-Page.steplen :]) if last else 0
    rows = []
    for n, page in enumerate(pages, step + 1):
        page.path = Page._get_path(parent.path, parent.depth + 1, n)
        page.depth, page.numchild = parent.depth + 1, 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.locale_id, page.content_type = parent.locale_id, content_type
        page.draft_title, page.live = page.title, True
        rows.append(
            Page(
                **{
                    field.attname: getattr(page, field.attname)
                    for field in Page._meta.concrete_fields
                    if not field.primary_key
                }
            )
        )
    Page.objects.bulk_create(rows, batch_size=500)
    for page, row in zip(pages, rows, strict=True):
        page.pk = page.page_ptr_id = row.pk
        page._state.adding, page._state.db = False, "default"
    for start in range(0, len(pages), 500):
        model._base_manager._insert(
            pages[start : start + 500], fields=model._meta.local_concrete_fields, using="default"
        )
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(pages))
    return pages
