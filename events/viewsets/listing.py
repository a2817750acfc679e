"""What the booking listings share."""

from django.utils.functional import cached_property
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn


class BulkActionsListingMixin:
    """A listing with Wagtail's bulk-action checkboxes for staff holding ``bulk_permission``.

    The actions themselves are in events.bulk_actions.
    """

    bulk_permission = None
    template_name = "events/admin/bulk_index.html"

    def may_act_in_bulk(self):
        return self.request.user.has_perm(self.bulk_permission)

    @cached_property
    def columns(self):
        columns = super().columns
        if not self.may_act_in_bulk():
            return columns
        # The checkbox's screen-reader label points at the title cell's id ("item_<pk>_title").
        return [BulkActionsCheckboxColumn("bulk_actions", obj_type="item"), *columns]

    def _get_title_column(self, field_name, *args, **kwargs):
        kwargs.setdefault("get_title_id", lambda instance: f"item_{instance.pk}_title")
        return super()._get_title_column(field_name, *args, **kwargs)
