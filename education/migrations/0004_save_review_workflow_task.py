"""Repair the review workflow of databases made before its task was saved.

``ensure_moderation`` used to add the "Moderator approval" task through the workflow's
in-memory relation, so the workflow existed with no task: submitting for review then
published at once (or refused an editor). This attaches the task for real.
"""

from django.db import migrations

WORKFLOW_NAME = "Guides and news review"
TASK_NAME = "Moderator approval"


def attach_task(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        return
    for workflow in Workflow.objects.filter(name=WORKFLOW_NAME):
        if not WorkflowTask.objects.filter(workflow=workflow).exists():
            WorkflowTask.objects.create(workflow=workflow, task_id=task.pk, sort_order=0)


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0003_main_menu"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(attach_task, migrations.RunPython.noop)]
