"""Issue 10, point 1: a support agent with change_user cannot escalate, take over a
colleague's login or rewrite a shopper's email; every staff edit of a user is audited."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditLog, User

from .factories import PASSWORD, StaffFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db

PRIVILEGED = ("is_superuser", "is_staff", "groups", "user_permissions", "password", "email")


def _change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


@pytest.fixture
def agent(client):
    staff = StaffFactory(email="agent@savebucks.test")
    staff.groups.add(Group.objects.get(name="Support agent"))
    client.force_login(staff)
    client.staff = staff
    return client


def _post_all(client, user, **changes):
    """What a hand-crafted POST of the change form could carry, privileged fields too."""
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": "",
        "staff_notes": "",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [Group.objects.get(name="Administrator").pk],
        "status": User.Status.ACTIVE,
        **changes,
    }
    return client.post(_change_url(user), data)


def test_support_agent_sees_only_profile_fields_of_a_shopper(agent):
    shopper = UserFactory()

    response = agent.get(_change_url(shopper))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert set(form.fields) == {"first_name", "last_name", "phone", "staff_notes"}
    body = response.content.decode()
    for name in PRIVILEGED:
        assert f'name="{name}"' not in body
    assert "password/" not in body


def test_support_agent_cannot_escalate_or_rewrite_email_by_a_forged_post(agent):
    shopper = UserFactory(email="shopper@example.com", first_name="Ann")

    response = _post_all(
        agent, shopper, email="attacker@example.com", first_name="Anne", staff_notes="called in"
    )

    assert response.status_code == 302
    shopper.refresh_from_db()
    assert (shopper.email, shopper.is_staff, shopper.is_superuser) == (
        "shopper@example.com",
        False,
        False,
    )
    assert list(shopper.groups.all()) == []
    assert (shopper.first_name, shopper.staff_notes) == ("Anne", "called in")


def test_support_agent_cannot_make_itself_superuser(agent):
    me = agent.staff

    response = _post_all(agent, me, first_name="Evil")

    assert response.status_code == 403
    me.refresh_from_db()
    assert (me.is_superuser, me.first_name) == (False, me.first_name)
    assert me.first_name != "Evil"
    assert set(me.groups.values_list("name", flat=True)) == {"Support agent"}


def test_support_agent_cannot_open_or_change_another_staff_record(agent):
    boss = SuperuserFactory(first_name="Boss")

    assert agent.get(_change_url(boss)).status_code == 403
    assert _post_all(agent, boss, first_name="Owned").status_code == 403
    assert agent.get(reverse("admin:accounts_user_history", args=[boss.pk])).status_code == 403

    boss.refresh_from_db()
    assert boss.first_name == "Boss"
    assert AuditLog.objects.count() == 0


def test_support_agent_cannot_set_anyones_password(agent):
    boss = SuperuserFactory()
    shopper = UserFactory()

    for user in (boss, shopper):
        url = reverse("admin:auth_user_password_change", args=[user.pk])
        assert agent.get(url).status_code == 403
        response = agent.post(url, {"password1": "pwned-Pa55word!", "password2": "pwned-Pa55word!"})
        assert response.status_code == 403
        user.refresh_from_db()
        assert user.check_password(PASSWORD)


def test_support_agent_cannot_add_users_let_alone_staff(agent):
    response = agent.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new@savebucks.test",
            "usable_password": "true",
            "password1": "Str0ng-passw0rd!",
            "password2": "Str0ng-passw0rd!",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )

    assert response.status_code == 403
    assert not User.objects.filter(email="new@savebucks.test").exists()


def test_support_agent_cannot_suspend_or_log_out_staff(agent):
    boss = SuperuserFactory()
    shopper = UserFactory()
    url = reverse("admin:accounts_user_changelist")

    pages = [
        agent.post(url, {"action": action, "_selected_action": [boss.pk, shopper.pk]}, follow=True)
        for action in ("suspend_users", "logout_everywhere")
    ]

    for page in pages:
        assert "1 staff account(s) left alone: only an Administrator acts on staff." in [
            str(message) for message in page.context["messages"]
        ]
    boss.refresh_from_db()
    shopper.refresh_from_db()
    assert boss.status == User.Status.ACTIVE
    assert shopper.status == User.Status.SUSPENDED
    assert sorted(AuditLog.objects.values_list("action", "entity_id")) == [
        ("user.logout_everywhere", str(shopper.pk)),
        ("user.suspend", str(shopper.pk)),
    ]


def test_support_agent_changelist_hides_permission_filters(agent):
    body = agent.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert "is_superuser__exact" not in body
    assert "groups__id__exact" not in body


def test_staff_edit_is_audited_field_by_field(agent):
    shopper = UserFactory(first_name="Ann", last_name="Lee", phone="")

    agent.post(
        _change_url(shopper),
        {"first_name": "Anne", "last_name": "Lee", "phone": "+1 555 010 9999", "staff_notes": ""},
    )

    log = AuditLog.objects.get(action="user.admin_change")
    assert (log.actor, log.entity_id) == (agent.staff, str(shopper.pk))
    assert log.metadata["fields"] == {
        "first_name": {"old": "Ann", "new": "Anne"},
        "phone": {"old": "", "new": "+1 555 010 9999"},
    }


def test_superuser_password_change_is_audited_with_the_secret_masked(client):
    boss = SuperuserFactory()
    shopper = UserFactory()
    client.force_login(boss)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[shopper.pk]),
        {"usable_password": "true", "password1": "N3w-passw0rd!", "password2": "N3w-passw0rd!"},
    )

    assert response.status_code == 302
    shopper.refresh_from_db()
    assert shopper.check_password("N3w-passw0rd!")
    log = AuditLog.objects.get(action="user.admin_change")
    assert log.metadata["fields"] == {"password": {"old": "•••", "new": "•••"}}
    assert "N3w-passw0rd!" not in str(log.metadata)
    assert shopper.password not in str(log.metadata)


def test_superuser_granting_a_role_is_audited_old_to_new(client):
    boss = SuperuserFactory()
    target = UserFactory()
    client.force_login(boss)
    finance = Group.objects.get(name="Finance")
    form = client.get(_change_url(target)).context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k in form.fields and k not in {"avatar", "password"}
    }
    data.update(is_staff="on", groups=[finance.pk], user_permissions=[], referred_by="")

    response = client.post(_change_url(target), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    target.refresh_from_db()
    assert target.is_staff
    fields = AuditLog.objects.get(action="user.admin_change").metadata["fields"]
    assert fields == {
        "is_staff": {"old": False, "new": True},
        "groups": {"old": [], "new": [finance.pk]},
    }


@pytest.mark.parametrize("how", ["delete_view", "delete_selected"])
def test_a_non_superuser_administrator_cannot_delete_a_staff_record(client, how):
    """The Administrator group holds delete_user; deleting a colleague (a superuser
    even) is touching another staff member's record, which only superusers may."""
    admin = StaffFactory()
    admin.groups.add(Group.objects.get(name="Administrator"))
    client.force_login(admin)
    boss = SuperuserFactory()

    if how == "delete_view":
        response = client.post(
            reverse("admin:accounts_user_delete", args=[boss.pk]), {"post": "yes"}
        )
        assert response.status_code == 403
    else:
        client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "delete_selected", "_selected_action": [boss.pk], "post": "yes"},
        )

    assert User.objects.filter(pk=boss.pk).exists()
    assert not AuditLog.objects.filter(action="user.admin_delete").exists()
