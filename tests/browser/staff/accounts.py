"""What every staff journey does: make a member of a role's own group (never a
superuser), sign them in to the admin, visit the public site as an anonymous visitor,
and keep screenshots of a screen on a desktop and at 375 px."""

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS

PASSWORD = "pw-staff-journey-1"
PHONE_WIDTH = {"width": 375, "height": 667}


def member(django_user_model, username, group_name):
    """A staff user in the group ``group_name`` only."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username, f"{username}@example.cn", PASSWORD)
    user.groups.add(Group.objects.get(name=group_name))
    assert not user.is_superuser
    return user


def log_in(browser, base, username):
    """A desktop browser signed in to the admin as ``username``, on the admin home."""
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")
    return page


def visitor(browser):
    """A phone with no session: what the public sees (and the page cache answers)."""
    context = browser.new_context(**PHONE)
    context.set_default_timeout(15_000)
    return context.new_page()


def shoot(page, folder, name):
    """The screen as it is now, full page, on a desktop and at 375 px wide."""
    shots = SCREENSHOTS / folder
    shots.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(shots / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE_WIDTH)
    page.screenshot(path=str(shots / f"{name}-375.png"), full_page=True)
    page.set_viewport_size(size)
