import pytest

from sertifikat import services
from sertifikat.models import Certificate, CertificateTemplate

from ..factories import EmployeeFactory
from .conftest import complete_course, issue, render

pytestmark = pytest.mark.django_db


def test_regenerate_keeps_the_number_format_of_a_numbered_certificate_only(
    learner, course, django_capture_on_commit_callbacks
):
    # given an issued certificate, and a failed one that never got its number
    numbered = render(issue(complete_course(learner, course)))
    unnumbered = issue(complete_course(EmployeeFactory().user, course))
    Certificate.objects.filter(pk=unnumbered.pk).update(status=Certificate.Status.FAILED)
    old_format = numbered.template_snapshot["number_format"]
    # and the template's number format changes
    template = CertificateTemplate.objects.get(is_default=True)
    template.number_format = "{NNN}/BARU/{YYYY}"
    template.save()

    # when Admin LMS regenerates both
    with django_capture_on_commit_callbacks(execute=True):
        count = services.certificate_regenerate(
            certificates=Certificate.objects.filter(pk__in=[numbered.pk, unnumbered.pk])
        )

    # then the numbered one keeps its number and its format; the other takes the new format
    assert count == 2
    numbered_after = Certificate.objects.get(pk=numbered.pk)
    assert numbered_after.status == Certificate.Status.ISSUED
    assert numbered_after.number == numbered.number
    assert numbered_after.template_snapshot["number_format"] == old_format
    unnumbered_after = Certificate.objects.get(pk=unnumbered.pk)
    assert unnumbered_after.status == Certificate.Status.ISSUED
    assert unnumbered_after.template_snapshot["number_format"] == "{NNN}/BARU/{YYYY}"
    assert "/BARU/" in unnumbered_after.number
