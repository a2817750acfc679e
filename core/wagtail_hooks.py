from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .admin_delete import refuse_held_snippets
from .admin_screens import ScreenViewSet
from .admin_views import PersonalDataView

hooks.register("before_delete_snippet", refuse_held_snippets)


class PersonalDataScreen(ScreenViewSet):
    name = "core_personal_data"
    url_prefix = "personal-data"
    icon = "user"
    menu_label = _("Personal data requests")
    menu_order = 900
    add_to_settings_menu = True
    screens = [("", PersonalDataView, "index")]


@hooks.register("register_admin_viewset")
def register_personal_data_screen():
    return PersonalDataScreen()
