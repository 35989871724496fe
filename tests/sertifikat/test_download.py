import pytest
from django.core.files.storage import default_storage

from lms.akun.roles import SUPERVISOR
from lms.organisasi.models import OrgUnit
from sertifikat.selectors import certificate_links, certificate_list_for_user

from ..factories import EmployeeFactory, enable_totp

pytestmark = pytest.mark.django_db


def _download(client, cert):
    return client.get(f"/sertifikat/unduh/{cert.code}/")


def test_the_owner_downloads_the_stored_file_without_rendering_again(client, issued, monkeypatch):
    def no_render(*args, **kwargs):
        raise AssertionError("a download must never render")

    monkeypatch.setattr("sertifikat.rendering.certificate_pdf", no_render)
    monkeypatch.setattr("sertifikat.rendering.html_to_pdf", no_render)
    client.force_login(issued.user)

    response = _download(client, issued)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body == default_storage.open(issued.pdf.name).read()


def test_a_supervisor_of_the_owners_unit_may_download(client, issued, supervisor_jabar):
    client.force_login(supervisor_jabar)  # Jawa Barat holds Kabupaten Bandung
    assert _download(client, issued).status_code == 200


def test_a_supervisor_outside_the_scope_may_not(client, issued, org_tree):
    other = EmployeeFactory(
        unit=OrgUnit.objects.get(code="33"), user__roles=["Peserta", SUPERVISOR]
    ).user
    enable_totp(other)
    client.force_login(other)
    assert _download(client, issued).status_code == 404


def test_another_learner_may_not_and_anonymous_must_log_in(client, issued, make_employee):
    client.force_login(make_employee("32.04").user)
    assert _download(client, issued).status_code == 404
    client.logout()
    response = _download(client, issued)
    assert response.status_code == 302
    assert "/akun/" in response["Location"]


def test_admin_lms_may_download(client, issued, admin_lms):
    client.force_login(admin_lms)
    assert _download(client, issued).status_code == 200


def test_dashboard_partial_lists_the_learners_certificates(issued):
    from django.template.loader import render_to_string

    certificates = certificate_list_for_user(user=issued.user)
    html = render_to_string(
        "sertifikat/includes/dashboard_certificates.html", {"certificates": certificates}
    )
    assert issued.number in html
    assert f"/sertifikat/unduh/{issued.code}/" in html
    assert f"/sertifikat/verifikasi/{issued.code}/" in html


def test_report_selector_gives_number_and_link_per_user_and_course(
    issued, django_assert_num_queries
):
    with django_assert_num_queries(1):
        links = certificate_links(user_ids=[issued.user_id, 999], subject_ids=[issued.subject_id])
    assert links == {
        (issued.user_id, issued.subject_id): {
            "number": issued.number,
            "status": "issued",
            "status_label": "Terbit",
            "url": f"/sertifikat/unduh/{issued.code}/",
            "verify_url": f"/sertifikat/verifikasi/{issued.code}/",
        }
    }


def test_a_certificate_waiting_for_its_number_says_so_on_the_dashboard_and_in_reports(
    learner, course, client, admin_lms
):
    from django.template.loader import render_to_string
    from django.urls import reverse

    from .conftest import complete_course

    # given a completed course whose certificate the worker has not numbered yet
    complete_course(learner, course)
    (cert,) = certificate_list_for_user(user=learner)
    assert cert.number is None

    # then the dashboard, the report selector and the admin pages say it waits for one
    html = render_to_string(
        "sertifikat/includes/dashboard_certificates.html", {"certificates": [cert]}
    )
    assert "menunggu nomor" in html and "None" not in html
    links = certificate_links(user_ids=[learner.pk], subject_ids=[course.pk])
    assert links[(learner.pk, course.pk)]["number"] == "(menunggu nomor)"
    assert links[(learner.pk, course.pk)]["url"] is None
    client.force_login(admin_lms)
    detail = client.get(reverse("sertifikat_admin:detail", args=[cert.pk])).content.decode()
    assert "menunggu nomor" in detail
    listing = client.get(reverse("sertifikat_list:index")).content.decode()
    assert "menunggu nomor" in listing
    # and verification finds nothing yet
    assert client.get(f"/sertifikat/api/verifikasi/{cert.code}/").status_code == 404


def test_a_certificate_that_will_not_get_a_number_now_shows_a_dash_not_a_wait(
    learner, course, client, admin_lms
):
    from django.urls import reverse
    from django.utils.html import escape

    from sertifikat import services
    from sertifikat.models import Certificate

    from .conftest import complete_course

    # given a certificate that failed before its numbering
    complete_course(learner, course)
    (cert,) = certificate_list_for_user(user=learner)
    services.certificate_mark_failed(
        certificate_id=cert.pk, generation=cert.generation, error=RuntimeError("font hilang")
    )
    cert.refresh_from_db()

    # then it shows no wait for a number, in reports too
    assert cert.number_label == "\N{EN DASH}"
    links = certificate_links(user_ids=[learner.pk], subject_ids=[course.pk])
    assert links[(learner.pk, course.pk)]["number"] == "\N{EN DASH}"
    client.force_login(admin_lms)
    bulk = client.get(reverse("sertifikat_admin:bulk")).content.decode()
    assert "belum bernomor" in bulk and "menunggu nomor" not in bulk

    # when Admin LMS revokes it, the message names the learner, not a dash
    response = client.post(
        reverse("sertifikat_admin:revoke", args=[cert.pk]), {"reason": "Salah peserta"}, follow=True
    )
    done = escape(f"Sertifikat {cert.full_name} (belum bernomor) dicabut.")
    assert done in response.content.decode()
    cert.refresh_from_db()
    assert (cert.status, cert.number_label) == (Certificate.Status.REVOKED, "\N{EN DASH}")


def test_a_numbered_certificate_shows_its_number_whatever_its_status(issued):
    from sertifikat.models import Certificate

    for status in Certificate.Status.values:
        issued.status = status
        assert issued.number_label == issued.number
