import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import AuditLog, User, UserKyc, UserSession

from .factories import PASSWORD, KycFactory, StaffFactory, SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db

USERS = reverse("admin:accounts_user_changelist")
KYCS = reverse("admin:accounts_userkyc_changelist")


@pytest.fixture
def admin_client(client):
    admin = SuperuserFactory(email="boss@savebucks.test")
    client.force_login(admin)
    client.admin = admin
    return client


def _action(client, url, action, objects, reason=""):
    return client.post(
        url,
        {
            "action": action,
            "_selected_action": [obj.pk for obj in objects],
            "reason": reason,
            "index": 0,
        },
        follow=True,
    )


def test_admin_is_for_staff_only(client):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:index")).status_code == 302

    client.force_login(SuperuserFactory())
    assert client.get(reverse("admin:index")).status_code == 200


def test_suspend_action_writes_one_audit_row_per_user_and_logs_them_out(admin_client):
    target = UserFactory(email="target@example.com")
    assert admin_client.__class__().login(email=target.email, password=PASSWORD)
    bystander = UserFactory()

    _action(admin_client, USERS, "suspend_users", [target], reason="chargeback fraud")

    target.refresh_from_db()
    bystander.refresh_from_db()
    assert target.status == User.Status.SUSPENDED
    assert bystander.status == User.Status.ACTIVE
    assert UserSession.objects.filter(user=target).count() == 0
    log = AuditLog.objects.get()
    assert (log.actor, log.action, log.entity_type, log.entity_id) == (
        admin_client.admin,
        "user.suspend",
        "accounts.user",
        str(target.pk),
    )
    assert log.metadata == {"from": "active", "to": "suspended", "reason": "chargeback fraud"}
    assert log.ip == "127.0.0.1"


def test_suspending_twice_changes_nothing_the_second_time(admin_client):
    target = UserFactory()
    _action(admin_client, USERS, "suspend_users", [target])

    response = _action(admin_client, USERS, "suspend_users", [target])

    assert "1 skipped" in response.content.decode()
    assert AuditLog.objects.filter(action="user.suspend").count() == 1


def test_staff_cannot_suspend_themselves(admin_client):
    _action(admin_client, USERS, "suspend_users", [admin_client.admin])

    admin_client.admin.refresh_from_db()
    assert admin_client.admin.status == User.Status.ACTIVE
    assert AuditLog.objects.count() == 0


def test_reactivate_restores_unverified_users_to_pending(admin_client):
    verified = UserFactory(status=User.Status.SUSPENDED)
    unverified = UserFactory(status=User.Status.SUSPENDED, email_verified_at=None)

    _action(admin_client, USERS, "reactivate_users", [verified, unverified])

    verified.refresh_from_db()
    unverified.refresh_from_db()
    assert verified.status == User.Status.ACTIVE
    assert unverified.status == User.Status.PENDING_VERIFICATION
    assert AuditLog.objects.filter(action="user.reactivate").count() == 2


def test_verify_kyc_action_audits_and_tells_the_user(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    kyc = KycFactory()

    with django_capture_on_commit_callbacks(execute=True):
        _action(admin_client, KYCS, "verify", [kyc], reason="documents match")

    kyc.refresh_from_db()
    assert kyc.status == UserKyc.Status.VERIFIED
    assert kyc.reviewed_by == admin_client.admin
    log = AuditLog.objects.get()
    assert (log.action, log.entity_id, log.metadata) == (
        "kyc.verify",
        str(kyc.user.pk),
        {"kyc_id": kyc.pk, "notes": "documents match"},
    )
    assert [m.subject for m in mailoutbox] == ["Your payout details are verified"]


def test_reject_kyc_without_a_reason_is_refused_and_changes_nothing(admin_client):
    kyc = KycFactory()

    response = _action(admin_client, KYCS, "reject", [kyc], reason="  ")

    assert "Say why the KYC is rejected" in response.content.decode()
    kyc.refresh_from_db()
    assert kyc.status == UserKyc.Status.PENDING
    assert kyc.reviewed_by is None
    assert AuditLog.objects.count() == 0


def test_kyc_admin_never_shows_secrets_whole(admin_client):
    kyc = KycFactory(account_number="000123456789", tax_id="ABCDE1234F")

    changelist = admin_client.get(KYCS).content.decode()
    change = admin_client.get(reverse("admin:accounts_userkyc_change", args=[kyc.pk]))

    body = change.content.decode()
    for secret in ("000123456789", "ABCDE1234F", "DE89370400440532013000", "221B Baker"):
        assert secret not in changelist
        assert secret not in body
    assert "••••6789" in body
    assert "••••234F" in body


def test_editing_a_user_in_admin_is_audited(admin_client):
    target = UserFactory(first_name="Old")
    url = reverse("admin:accounts_user_change", args=[target.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k in form.fields and k not in {"avatar", "password"}
    }
    data.update(first_name="New", groups=[], user_permissions=[], referred_by="")

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    target.refresh_from_db()
    assert target.first_name == "New"
    log = AuditLog.objects.get(action="user.admin_change")
    assert log.actor == admin_client.admin
    assert log.metadata == {
        "change": [{"changed": {"fields": ["First name"]}}],
        "fields": {"first_name": {"old": "Old", "new": "New"}},
    }


def test_audit_log_is_read_only_in_admin(admin_client):
    log = AuditLog.objects.create(action="x.test", entity_type="accounts.user", entity_id="1")

    change = admin_client.post(
        reverse("admin:accounts_auditlog_change", args=[log.pk]), {"action": "x.changed"}
    )
    delete = admin_client.post(
        reverse("admin:accounts_auditlog_delete", args=[log.pk]), {"post": "yes"}
    )

    assert change.status_code == 403
    assert delete.status_code == 403
    log.refresh_from_db()
    assert log.action == "x.test"


def test_roles_exist_with_sensible_permissions():
    finance = Group.objects.get(name="Finance")
    support = Group.objects.get(name="Support agent")
    codenames = {
        group.name: set(group.permissions.values_list("codename", flat=True))
        for group in (finance, support)
    }

    assert {"change_withdrawalmethod", "change_userkyc", "view_auditlog"} <= codenames["Finance"]
    assert "change_page" not in codenames["Finance"]
    assert "change_user" in codenames["Support agent"]
    assert "change_withdrawalmethod" not in codenames["Support agent"]
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Administrator",
        "Finance",
        "Support agent",
        "Content editor",
        "Affiliate manager",
    }


def test_finance_staff_see_kyc_but_not_cms(client):
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name="Finance"))
    client.force_login(staff)

    assert client.get(KYCS).status_code == 200
    assert client.get(reverse("admin:cms_page_changelist")).status_code == 403


def test_log_out_everywhere_ends_the_users_sessions_and_is_audited(admin_client):
    target = UserFactory()
    assert admin_client.__class__().login(email=target.email, password=PASSWORD)

    response = _action(admin_client, USERS, "logout_everywhere", [target])

    assert "1 session(s) logged out." in response.content.decode()
    assert UserSession.objects.filter(user=target).count() == 0
    log = AuditLog.objects.get()
    assert (log.actor, log.action, log.entity_id, log.metadata) == (
        admin_client.admin,
        "user.logout_everywhere",
        str(target.pk),
        {"sessions": 1},
    )
