"""The admin's webhook screens: Admin LMS registers a receiver and sees its secret once,
makes a new one, sends a test message, follows deliveries and resends one."""

import pytest
from django.urls import reverse

from integrasi.models import WebhookDelivery, WebhookEndpoint
from integrasi.webhooks.signing import secret_decrypt
from lms.organisasi.models import OrgUnit

from ..factories import EmployeeFactory

pytestmark = pytest.mark.django_db

D = WebhookDelivery.Status


def _form(receiver_url: str, **changes) -> dict:
    data = {
        "name": "SIMPEG Jawa Barat",
        "url": receiver_url,
        "events": ["course.completed", "certificate.issued"],
        "unit": OrgUnit.objects.get(code="32").pk,
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_admin_lms_registers_a_receiver_and_sees_its_secret_once(client, admin_lms, receiver):
    client.force_login(admin_lms)

    # when the form is sent
    response = client.post(reverse("webhook:add"), _form(receiver.url))

    # then the secret is shown on that page, and stored only encrypted
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    endpoint = WebhookEndpoint.objects.get()
    secret = secret_decrypt(endpoint.secret_encrypted)
    assert secret in response.content.decode()
    assert "hanya ditampilkan sekali" in response.content.decode()
    assert (endpoint.events, endpoint.unit.code, endpoint.created_by) == (
        ["certificate.issued", "course.completed"],
        "32",
        admin_lms,
    )
    # and never again
    for url in (
        reverse("webhook:index"),
        reverse("webhook:edit", args=[endpoint.pk]),
        reverse("integrasi_webhooks:endpoint", args=[endpoint.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert secret not in page.content.decode()


def test_a_plain_http_address_elsewhere_is_refused_in_indonesian(client, admin_lms, org_tree):
    client.force_login(admin_lms)

    response = client.post(reverse("webhook:add"), _form("http://simpeg.jabar.example/hook"))

    assert response.status_code == 200
    assert "harus diawali https://" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_new_secret_replaces_the_old_one(client, admin_lms, make_endpoint, receiver):
    endpoint, old = make_endpoint("32", url=receiver.url)
    client.force_login(admin_lms)

    response = client.post(
        reverse("integrasi_webhooks:endpoint", args=[endpoint.pk]), {"action": "rotate"}
    )

    endpoint.refresh_from_db()
    new = secret_decrypt(endpoint.secret_encrypted)
    assert new != old
    assert new in response.content.decode()
    assert old not in response.content.decode()


def test_a_test_message_reaches_the_receiver(
    client, admin_lms, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    endpoint, _ = make_endpoint("32", url=receiver.url)
    client.force_login(admin_lms)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("integrasi_webhooks:endpoint", args=[endpoint.pk]), {"action": "ping"}
        )

    delivery = WebhookDelivery.objects.get()
    assert response.url == reverse("integrasi_webhooks:delivery", args=[delivery.pk])
    assert [r.headers["X-LMS-Event"] for r in receiver.requests] == ["ping"]
    page = client.get(response.url)
    assert "Terkirim" in page.content.decode()


def test_deliveries_are_listed_by_status_and_a_given_up_one_can_be_resent(
    client, admin_lms, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    # given a delivery that was given up, and one still waiting
    make_endpoint("RI", url=receiver.url)
    from integrasi.webhooks.services import webhook_notify_employee

    for code in ("32.04", "31"):
        webhook_notify_employee(employee=EmployeeFactory(unit=OrgUnit.objects.get(code=code)))
    given_up, _waiting = WebhookDelivery.objects.order_by("pk")
    WebhookDelivery.objects.filter(pk=given_up.pk).update(
        status=D.FAILED, attempts=30, next_attempt_at=None, last_error="Tidak dapat terhubung."
    )
    client.force_login(admin_lms)

    # when the list is filtered on given-up deliveries
    listing = client.get(reverse("integrasi_webhooks:deliveries"), {"status": D.FAILED})

    # then only that one is listed
    assert listing.status_code == 200
    rows = list(listing.context["page"].object_list)
    assert rows == [given_up]
    assert "Gagal, berhenti mencoba" in listing.content.decode()

    # when Admin LMS resends it
    url = reverse("integrasi_webhooks:delivery", args=[given_up.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    # then a new attempt is made now, and it arrives
    given_up.refresh_from_db()
    assert (given_up.status, given_up.attempts) == (D.DELIVERED, 31)
    assert len(receiver.requests) == 1
    detail = client.get(url).content.decode()
    assert "31" in detail and "diterima" in detail


@pytest.mark.parametrize(
    "url_name", ["webhook:index", "webhook:add", "integrasi_webhooks:deliveries"]
)
def test_only_admin_lms_sees_the_webhook_screens(client, trainer, url_name):
    client.force_login(trainer)

    response = client.get(reverse(url_name))

    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/admin/" in response.url


def test_a_trainer_cannot_resend(client, trainer, make_endpoint, receiver, org_tree):
    make_endpoint("RI", url=receiver.url)
    from integrasi.webhooks.services import webhook_notify_employee

    webhook_notify_employee(employee=EmployeeFactory(unit=OrgUnit.objects.get(code="31")))
    WebhookDelivery.objects.update(status=D.FAILED, next_attempt_at=None)
    delivery = WebhookDelivery.objects.get()
    client.force_login(trainer)

    response = client.post(reverse("integrasi_webhooks:delivery", args=[delivery.pk]))

    assert response.status_code in (302, 403)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.next_attempt_at) == (D.FAILED, None)


def test_the_webhook_screens_read_in_indonesian(client, admin_lms, make_endpoint, receiver):
    from ..test_admin_language import english_in, visible_text

    endpoint, _ = make_endpoint("RI", url=receiver.url)
    from integrasi.webhooks.delivery import webhook_delivery_attempt
    from integrasi.webhooks.services import webhook_notify_employee

    webhook_notify_employee(employee=EmployeeFactory(unit=OrgUnit.objects.get(code="31")))
    delivery = WebhookDelivery.objects.get()
    webhook_delivery_attempt(delivery_id=delivery.pk)
    client.force_login(admin_lms)

    pages = {
        "list": client.get(reverse("webhook:index")),
        "add": client.get(reverse("webhook:add")),
        "bad add": client.post(reverse("webhook:add"), _form("ftp://x", events=[])),
        "edit": client.get(reverse("webhook:edit", args=[endpoint.pk])),
        "tools": client.get(reverse("integrasi_webhooks:endpoint", args=[endpoint.pk])),
        "secret": client.post(
            reverse("integrasi_webhooks:endpoint", args=[endpoint.pk]), {"action": "rotate"}
        ),
        "deliveries": client.get(reverse("integrasi_webhooks:deliveries")),
        "delivery": client.get(reverse("integrasi_webhooks:delivery", args=[delivery.pk])),
    }

    for name, response in pages.items():
        assert response.status_code == 200, name
        assert english_in(visible_text(response.content.decode())) == [], name


def test_editing_a_receiver_changes_what_it_is_told_at_once(
    client, admin_lms, make_endpoint, receiver
):
    from integrasi.models import WebhookEvent
    from integrasi.webhooks.services import webhook_notify_employee

    # given a receiver of Jawa Barat for certificates only (the list is cached)
    endpoint, secret = make_endpoint("32", url=receiver.url, events=["certificate.issued"])
    person = EmployeeFactory(unit=OrgUnit.objects.get(code="31"))
    webhook_notify_employee(employee=person)
    assert not WebhookEvent.objects.exists()
    client.force_login(admin_lms)

    # when Admin LMS widens it to DKI Jakarta's employee changes
    edit = client.get(reverse("webhook:edit", args=[endpoint.pk]))
    assert edit.context["form"].initial["events"] == ["certificate.issued"]
    response = client.post(
        reverse("webhook:edit", args=[endpoint.pk]),
        _form(receiver.url, events=["employee.changed"], unit=OrgUnit.objects.get(code="31").pk),
    )

    # then it is saved, keeps its secret, and the next change is sent to it
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.events, endpoint.unit.code) == (["employee.changed"], "31")
    assert secret_decrypt(endpoint.secret_encrypted) == secret
    webhook_notify_employee(employee=person)
    assert WebhookDelivery.objects.get().endpoint == endpoint


def test_the_unit_list_holds_the_official_tree_and_the_receivers_own_unit(
    client, admin_lms, make_endpoint, receiver, kecamatan
):
    client.force_login(admin_lms)

    def unit_ids(response) -> set[int]:
        queryset = response.context["form"].fields["unit"].queryset
        return set(queryset.values_list("pk", flat=True))

    # a new receiver: no ad hoc unit on the list
    listed = unit_ids(client.get(reverse("webhook:add")))
    assert OrgUnit.objects.get(code="32.04").pk in listed
    assert kecamatan.pk not in listed
    # a receiver of that ad hoc unit keeps it on its own form
    endpoint, _secret = make_endpoint("32.04.01", url=receiver.url)
    assert kecamatan.pk in unit_ids(client.get(reverse("webhook:edit", args=[endpoint.pk])))
