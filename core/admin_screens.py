"""The one way to build a staff screen beyond a model's own viewset, and to show its menu
entry only to those the screen lets in.

- A screen is a class-based view on Wagtail's generic bases with a ``permission_policy``
  and a ``permission_required`` action (``PermissionCheckedMixin``): ``AdminScreen`` for a
  page, ``AdminListingScreen`` for a listing with filters and pagination, ``ScreenMixin``
  with Django's ``View`` for a file.
- Its menu entry is a ``ScreenMenuItem``: it resolves its URL to the screen and asks the
  same policy for the same action, so the menu and the screen never disagree. A
  ``ScreenViewSet`` serves a set of screens under one URL namespace and registers that
  menu entry for one of them (or, with no screens of its own, for a screen of another).

Permissions named ``<action>_<model>`` go through Wagtail's ``ModelPermissionPolicy``;
``CodenamePermissionPolicy`` serves those that are not (``contest.manage_results``).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.urls import path, resolve, reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.permission_policies.base import BasePermissionPolicy


class CodenamePermissionPolicy(BasePermissionPolicy):
    """Actions named by the permission's own codename in the model's app: the action
    ``manage_results`` on ``contest.Entry`` is the permission ``contest.manage_results``."""

    def user_has_permission(self, user, action):
        return user.has_perm(f"{self.model._meta.app_label}.{action}")

    def users_with_any_permission(self, actions):
        permissions = Permission.objects.filter(
            content_type__app_label=self.model._meta.app_label, codename__in=actions
        )
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True)
                | Q(user_permissions__in=permissions)
                | Q(groups__permissions__in=permissions),
                is_active=True,
            )
            .distinct()
        )


class ScreenMixin(PermissionCheckedMixin):
    """A screen that refuses (403) whoever its policy does not allow ``permission_required``.

    Unlike Wagtail's mixin, a screen without a policy or an action is a mistake, never an
    open door.
    """

    permission_policy = None

    def dispatch(self, request, *args, **kwargs):
        if self.permission_policy is None or self.permission_required is None:
            raise ImproperlyConfigured(f"{type(self).__name__} names no permission.")
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def admits(cls, user):
        """What the menu asks: the policy and action ``dispatch`` checks."""
        policy = cls.permission_policy
        return policy is not None and policy.user_has_permission(user, cls.permission_required)


class AdminScreen(ScreenMixin, WagtailAdminTemplateMixin, TemplateView):
    """A staff page in the admin's frame, with its title in the breadcrumbs."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def render(self, status=200, **context):
        response = self.render_to_response(self.get_context_data(**context))
        response.status_code = status
        return response


class AdminListingScreen(ScreenMixin, BaseListingView):
    """A listing with Wagtail's table, filters, search and pagination."""


class ScreenMenuItem(MenuItem):
    """Shown to exactly those the screen at its URL lets in."""

    @cached_property
    def screen(self):
        view = resolve(self.url).func
        screen = getattr(view, "view_class", None)
        if screen is None or not issubclass(screen, ScreenMixin):
            raise ImproperlyConfigured(f"{self.url} is not a staff screen.")
        return screen

    def is_shown(self, request):
        return self.screen.admits(request.user)


class ScreenViewSet(ViewSet):
    """Staff screens under one URL namespace, and the menu entry for one of them.

    ``screens`` lists ``(route, view class, url name)``; ``menu_url_name`` names the
    screen the menu entry opens, in this namespace or, namespaced, in another one. A
    view class is served through its ``as_view()``; a view function as it is.
    """

    screens = ()
    menu_url_name = None

    def get_urlpatterns(self):
        return [
            path(route, view.as_view() if hasattr(view, "as_view") else view, name=name)
            for route, view, name in self.screens
        ]

    @cached_property
    def menu_url(self):
        name = self.menu_url_name or self.screens[0][2]
        return reverse(name if ":" in name else self.get_url_name(name))

    @cached_property
    def menu_item_class(self):
        return ScreenMenuItem
