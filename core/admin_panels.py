"""A role's next jobs on the admin home: each app adds a panel with what awaits the
signed-in user (entries to moderate, entries to score, today's sessions)."""

from wagtail.admin.ui.components import Component


class JobsPanel(Component):
    template_name = "core/admin/jobs_panel.html"
    order = 60  # below a warning panel (failed messages), above Wagtail's own

    def __init__(self, name, heading, jobs, empty):
        self.name = name
        self.heading = heading
        self.jobs = jobs  # [(text, url)]
        self.empty = empty

    def get_context_data(self, parent_context):
        return {"name": self.name, "heading": self.heading, "jobs": self.jobs, "empty": self.empty}
