"""The review workflow on guides and news, through the admin's own views and the database."""

import importlib

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page, Task, TaskState, WorkflowState, WorkflowTask
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from education.models import NewsIndexPage, NewsPage
from education.moderation import TASK_NAME, WORKFLOW_NAME, ensure_moderation
from tests.education.factories import add_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def news_index(home):
    index = add_page(home, NewsIndexPage, title="新闻", slug="news")
    ensure_moderation([index])
    return index


def member(django_user_model, name, group):
    user = django_user_model.objects.create_user(name, password="pw-123456789")
    user.groups.add(Group.objects.get(name=group))
    return user


def draft(parent, owner, title="电动车安全新闻", slug="e-bike-news"):
    page = NewsPage(title=title, slug=slug, live=False, owner=owner)
    parent.add_child(instance=page)
    page.save_revision(user=owner)
    return page


def submit_form(page):
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "summary": "",
            "date": "2026-12-01",
            "source": "",
            "body": streamfield([("text", rich_text("<p>充电请远离楼道。</p>"))]),
            "comments": inline_formset([]),
            "action-submit": "Submit",
        }
    )


def test_review_workflow_has_its_task_in_the_database(news_index):
    workflow = news_index.get_workflow()
    assert workflow.name == WORKFLOW_NAME
    tasks = WorkflowTask.objects.filter(workflow=workflow)
    assert [t.task.name for t in tasks] == [TASK_NAME]
    assert [g.name for g in tasks[0].task.specific.groups.all()] == ["Moderators"]


def test_editor_submit_starts_a_review(client, django_user_model, news_index):
    editor = member(django_user_model, "editor", "Editors")
    page = draft(news_index, editor)
    client.force_login(editor)
    response = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), submit_form(page))
    assert response.status_code == 302, response.content.decode()[:2000]
    state = WorkflowState.objects.for_instance(page).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.status == TaskState.STATUS_IN_PROGRESS
    assert not Page.objects.get(pk=page.pk).live


def test_moderator_submit_does_not_publish_and_their_home_lists_it(
    client, django_user_model, news_index
):
    editor = member(django_user_model, "editor", "Editors")
    moderator = member(django_user_model, "moderator", "Moderators")
    mine = draft(news_index, moderator)
    client.force_login(moderator)
    client.post(reverse("wagtailadmin_pages:edit", args=[mine.pk]), submit_form(mine))
    assert not Page.objects.get(pk=mine.pk).live
    assert WorkflowState.objects.for_instance(mine).get().status == "in_progress"

    theirs = draft(news_index, editor, title="厨房用火提示", slug="kitchen")
    client.force_login(editor)
    client.post(reverse("wagtailadmin_pages:edit", args=[theirs.pk]), submit_form(theirs))
    client.force_login(moderator)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "厨房用火提示" in home


def test_data_migration_repairs_a_workflow_saved_without_its_task(news_index):
    from django.apps import apps

    repair = importlib.import_module("education.migrations.0004_save_review_workflow_task")
    rename = importlib.import_module("education.migrations.0007_review_names_in_chinese")
    workflow = news_index.get_workflow()
    task = Task.objects.get(name=TASK_NAME)
    rename.to_english(apps, None)  # the names a database had when 0004 ran
    WorkflowTask.objects.filter(workflow=workflow).delete()
    repair.attach_task(apps, None)
    repair.attach_task(apps, None)  # idempotent
    assert WorkflowTask.objects.filter(workflow=workflow).count() == 1

    rename.to_chinese(apps, None)
    workflow.refresh_from_db()
    task.refresh_from_db()
    assert (
        (workflow.name, task.name) == (WORKFLOW_NAME, TASK_NAME) == ("指南与新闻审核", "审核员审批")
    )
