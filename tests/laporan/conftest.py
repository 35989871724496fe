"""A small data set whose report figures are computed by hand in the tests.

Year Y is the current year. Within Bawaslu Provinsi Jawa Barat (32):

person  unit   type     position  enrolments (year Y unless said)                  JP in Y
sup     32     PNS      Staf      -                                                0
ani     32.04  PNS      Staf      A completed 10 Mar, B completed 2 May            20
budi    32.04  PPPK     Operator  A mandatory, 50 %, due 5 days ago (overdue)      0
citra   32.75  PNS      Staf      A mandatory, not started, due in 30 days;        4
                                  B completed 20 Nov Y-1 (enrolled Sep Y-1);
                                  C completed 20 Jan
dedi    32.75  Non-ASN  Staf      A completed 1 Mar; B withdrawn                   8
eka     32.04  PNS      Staf      inactive employee: A completed (never counted)   -
gita    32.01  PNS      Staf      C not started                                    0

Outside the province: fajar in 33.74 (A completed). A and B are category IKP (8 and 12 JP),
C is Bimtek (4 JP). Citra has 12 JP in Y-1 (B).
"""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from kursus.models import CourseCategory, Enrollment, JPCredit, MandatoryAssignment
from lms.organisasi.models import OrgUnit
from tests.factories import make_course


def _at(year, month, day):
    return datetime.datetime(year, month, day, 10, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def report_data(supervisor_jabar, make_employee):
    today = timezone.localdate()
    y = today.year
    a = make_course("RPT-A", modules=(2,), jp=8, title="Kursus A")
    b = make_course("RPT-B", modules=(1,), jp=12, title="Kursus B")
    c = make_course("RPT-C", modules=(1,), jp=4, title="Kursus C")
    c.category = CourseCategory.objects.get(slug="bimtek")
    c.save()
    assignment = MandatoryAssignment.objects.create(
        course=a, unit=OrgUnit.objects.get(code="32"), due_date=today - datetime.timedelta(days=5)
    )
    pns, pppk, non_asn = "pns", "pppk", "non_asn"
    people = SimpleNamespace(
        sup=supervisor_jabar.employee,
        ani=make_employee("32.04", full_name="Ani Lestari", employment_type=pns),
        budi=make_employee(
            "32.04", full_name="Budi Santoso", employment_type=pppk, position="Operator"
        ),
        citra=make_employee("32.75", full_name="Citra Dewi", employment_type=pns),
        dedi=make_employee("32.75", full_name="Dedi Gunawan", employment_type=non_asn, nip=None),
        eka=make_employee("32.04", full_name="Eka Inaktif", is_active=False),
        gita=make_employee("32.01", full_name="Gita Maharani"),
        fajar=make_employee("33.74", full_name="Fajar Semarang"),
    )

    def enrol(employee, course, *, status="active", percent=0, done=None, enrolled=None, **kw):
        e = Enrollment.objects.create(
            user=employee.user,
            course=course,
            status=status,
            progress_percent=100 if status == "completed" else percent,
            completed_at=done,
            **kw,
        )
        if enrolled:
            Enrollment.objects.filter(pk=e.pk).update(enrolled_at=enrolled)
        if status == "completed":
            JPCredit.objects.create(
                user=employee.user, course=course, year=done.year, jp=course.jp, completed_at=done
            )
        return e

    enrol(people.ani, a, status="completed", done=_at(y, 3, 10))
    enrol(people.ani, b, status="completed", done=_at(y, 5, 2))
    enrol(
        people.budi, a, percent=50, assignment=assignment,
        due_date=today - datetime.timedelta(days=5),
    )  # fmt: skip
    enrol(people.citra, a, assignment=assignment, due_date=today + datetime.timedelta(days=30))
    enrol(people.citra, b, status="completed", done=_at(y - 1, 11, 20), enrolled=_at(y - 1, 9, 1))
    enrol(people.citra, c, status="completed", done=_at(y, 1, 20))
    enrol(people.dedi, a, status="completed", done=_at(y, 3, 1))
    enrol(people.dedi, b, status="withdrawn")
    enrol(people.eka, a, status="completed", done=_at(y, 4, 4))
    enrol(people.gita, c)
    enrol(people.fajar, a, status="completed", done=_at(y, 2, 2))
    return SimpleNamespace(year=y, today=today, a=a, b=b, c=c, people=people)
