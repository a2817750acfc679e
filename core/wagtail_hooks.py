from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_delete import refuse_held_snippets
from .admin_views import PERMISSION, PersonalDataView

hooks.register("before_delete_snippet", refuse_held_snippets)


@hooks.register("register_admin_urls")
def personal_data_urls():
    return [path("personal-data/", PersonalDataView.as_view(), name="core_personal_data")]


class PersonalDataMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_settings_menu_item")
def personal_data_menu_item():
    return PersonalDataMenuItem(
        _("Personal data requests"), reverse("core_personal_data"), icon_name="user", order=900
    )
