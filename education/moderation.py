"""Moderation: guides and news go through a review by the Moderators group."""

from django.contrib.auth.models import Permission
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from core.groups import ensure_group

# Names are data shown to staff in the admin: in their language (education/migrations/0007).
WORKFLOW_NAME = "指南与新闻审核"
TASK_NAME = "审核员审批"


def ensure_groups():
    """Wagtail's Editors and Moderators groups with admin access (idempotent)."""
    access = [("wagtailadmin", "access_admin")]
    return {name: ensure_group(name, access) for name in ("Editors", "Moderators")}


def ensure_moderation(pages):
    """Review workflow on the given index pages (their children inherit it)."""
    groups = ensure_groups()
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(groups["Moderators"])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    # Through the model's own manager: ``workflow.workflow_tasks`` is a modelcluster
    # relation whose create() only keeps the row in memory until the workflow is saved.
    if not WorkflowTask.objects.filter(workflow=workflow).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for page in pages:
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
        for group, permissions in (
            (groups["Editors"], ["add_page", "change_page"]),
            (groups["Moderators"], ["add_page", "change_page", "publish_page"]),
        ):
            for codename in permissions:
                permission = Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                )
                GroupPagePermission.objects.get_or_create(
                    group=group, page=page, permission=permission
                )
    return workflow
