"""The grading screens through HTTP: the gradebook (sort, filter, pages, XLSX without
formulas, flat query count), corrections with their history, closing with a confirmation,
the assessor's front-end form and the anonymous peer rating."""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from program.models import Cohort, CohortAssessor, GradeOverride, PeerRating, PresentationScore
from tests.program_factories import add_participant

from .grading_setup import attend, build, finish_attempt, level

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(make_employee):
    return build(make_employee)


def gradebook_url(g, **query):
    from urllib.parse import urlencode

    url = reverse("program_grading:gradebook", args=[g.cohort.pk])
    return url + ("?" + urlencode(query) if query else "")


def names_in_order(html: str, names) -> list[str]:
    return sorted(names, key=html.index)


def test_the_gradebook_is_for_staff_only(client, graded, learner, trainer):
    client.force_login(learner)
    assert client.get(gradebook_url(graded)).status_code in (302, 403)
    assert client.get(reverse("program_grading:export", args=[graded.cohort.pk])).status_code in (
        302,
        403,
    )
    client.force_login(trainer)
    response = client.get(gradebook_url(graded))
    assert response.status_code == 200
    assert "Cara nilai dihitung" in response.content.decode()


def test_the_gradebook_sorts_and_filters_on_the_server(client, graded, trainer):
    finish_attempt(graded.people["budi"].user, graded.quiz, 40)
    finish_attempt(graded.people["citra"].user, graded.quiz, 95)
    client.force_login(trainer)
    html = client.get(gradebook_url(graded, sort="-posttest")).content.decode()
    assert names_in_order(html, ["Ani", "Budi", "Citra"]) == ["Citra", "Budi", "Ani"]
    html = client.get(gradebook_url(graded, team=graded.teams[1].pk)).content.decode()
    assert "Citra" in html and "Budi" not in html
    html = client.get(gradebook_url(graded, outcome="absent")).content.decode()
    assert "Dodi" in html and "Citra" not in html


def test_the_gradebook_pages_and_keeps_its_query_count_flat(client, graded, trainer, make_employee):
    client.force_login(trainer)
    client.get(gradebook_url(graded))  # warm caches of the admin shell
    with CaptureQueriesContext(connection) as small:
        assert client.get(gradebook_url(graded)).status_code == 200
    for i in range(56):
        person = add_participant(graded.cohort, make_employee("12").user, team=graded.teams[0])
        if i % 3 == 0:
            attend(graded.sessions[0], person)
    with CaptureQueriesContext(connection) as large:
        response = client.get(gradebook_url(graded, p=2))
    assert "Halaman 2 dari 2" in response.content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_xlsx_export_carries_no_formula(client, graded, trainer):
    from openpyxl import load_workbook

    from lms.organisasi.models import Employee

    Employee.objects.filter(user=graded.people["ani"].user).update(
        full_name='=HYPERLINK("http://jahat.example","klik")'
    )
    finish_attempt(graded.people["ani"].user, graded.quiz, 90)
    client.force_login(trainer)
    response = client.get(reverse("program_grading:export", args=[graded.cohort.pk]))
    assert response.status_code == 200
    content = response.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Nama" and rows[0][-1] == "Dikoreksi"
    ani = next(r for r in rows if r[0] and r[0].startswith("=HYPERLINK"))
    assert ani[4] == 90  # the post-test stays a number


def test_a_correction_needs_a_reason_and_shows_its_history(client, graded, trainer):
    ani = graded.people["ani"]
    url = reverse("program_grading:correct", args=[graded.cohort.pk, ani.pk])
    client.force_login(trainer)
    response = client.post(url, {"component": "posttest", "new_value": "75", "reason": ""})
    assert response.status_code == 200 and not GradeOverride.objects.exists()
    response = client.post(
        url, {"component": "posttest", "new_value": "75", "reason": "Ujian susulan di kertas"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Ujian susulan di kertas" in page and "75,00" in page
    html = client.get(gradebook_url(graded)).content.decode()
    assert 'title="dikoreksi">*' in html


def test_closing_asks_first_then_closes_once(client, graded, trainer):
    url = reverse("program_grading:close", args=[graded.cohort.pk])
    client.force_login(trainer)
    page = client.get(url)
    assert "Ya, tutup angkatan" in page.content.decode()
    assert Cohort.objects.get(pk=graded.cohort.pk).status == Cohort.Status.OPEN
    first = client.post(url, follow=True).content.decode()
    assert "Angkatan ditutup" in first
    closed_at = Cohort.objects.get(pk=graded.cohort.pk).closed_at
    second = client.post(url, follow=True).content.decode()
    assert "sudah ditutup sebelumnya" in second
    assert Cohort.objects.get(pk=graded.cohort.pk).closed_at == closed_at
    # corrections are refused after closing
    ani = graded.people["ani"]
    correct = reverse("program_grading:correct", args=[graded.cohort.pk, ani.pk])
    client.post(correct, {"component": "posttest", "new_value": "75", "reason": "telat"})
    assert not GradeOverride.objects.exists()


def test_a_panel_member_scores_on_the_front_end(client, graded, make_employee, learner):
    panel = make_employee("12").user
    CohortAssessor.objects.create(cohort=graded.cohort, user=panel)
    client.force_login(learner)
    assert client.get(reverse("program:assessment_list")).status_code == 403
    client.force_login(panel)
    listing = client.get(reverse("program:assessment_list")).content.decode()
    assert "Tim Sumut" in listing and "Tim Bali" in listing
    s1 = graded.sessions[0]
    c1, c2 = graded.criteria
    url = reverse("program:assessment_form", args=[s1.pk])
    missing = client.post(url, {f"kriteria-{c1.pk}": level(c1, 4)})
    assert missing.status_code == 400 and not PresentationScore.objects.exists()
    data = {f"kriteria-{c1.pk}": level(c1, 4), f"kriteria-{c2.pk}": level(c2, 3), "catatan": "ok"}
    assert client.post(url, data).status_code == 302
    data[f"kriteria-{c2.pk}"] = level(c2, 4)
    client.post(url, data)
    assert PresentationScore.objects.get().items.get(criterion=c2).level.score == 4


def test_peer_rating_is_anonymous_and_not_for_the_presenters(client, graded):
    s1 = graded.sessions[0]
    p = graded.people
    attend(s1, p["citra"]), attend(s1, p["ani"])
    url = reverse("program:peer_rating", args=[s1.pk])
    client.force_login(p["citra"].user)
    assert client.post(url, {"nilai": "4"}).status_code == 302
    assert PeerRating.objects.get().rating == 4
    # a presenter sees no mean while the cohort runs (a live mean would tell them each
    # rater's score), no form, no names
    client.force_login(p["ani"].user)
    page = client.get(url).content.decode()
    assert "dari 5" not in page and "4,00" not in page
    assert "tampil setelah angkatan ditutup" in page
    assert 'name="nilai"' not in page and "Citra" not in page
    assert client.post(url, {"nilai": "5"}).status_code == 400
    assert PeerRating.objects.get().rating == 4


def test_a_presenter_sees_the_mean_only_after_the_close_and_from_three_ratings(
    client, graded, trainer
):
    from program.models import Cohort

    s1 = graded.sessions[0]
    p = graded.people
    attend(s1, p["citra"])
    url = reverse("program:peer_rating", args=[s1.pk])
    client.force_login(p["citra"].user)
    client.post(url, {"nilai": "4"})
    Cohort.objects.filter(pk=graded.cohort.pk).update(status=Cohort.Status.CLOSED)
    client.force_login(p["ani"].user)
    assert "dari 5" not in client.get(url).content.decode()  # one rating: hidden
    for other in ("budi", "dodi"):  # two more raters (written directly: the cohort is closed)
        person = p[other]
        PeerRating.objects.create(session=s1, team=s1.presenting_team, rater=person, rating=2)
    assert "rata-rata 2,67 dari 5" in client.get(url).content.decode()
    # staff see the aggregate at any time
    client.force_login(trainer)
    assert "3 penilaian" in client.get(url).content.decode()
