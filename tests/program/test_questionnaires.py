"""The cohort's evaluation questionnaire (a requirement of the programme certificate) and the
Kirkpatrick level 3 follow-up to supervisors."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kuesioner.models import Respondent
from lms.akun.roles import SUPERVISOR
from lms.core.models import OutboxMessage
from program.models import Cohort, FollowupRequest, Participant
from program.questionnaires import (
    participant_questionnaire_done,
    participant_questionnaire_url,
)
from program.selectors.followup import participant_supervisors
from program.services.followup import followup_due_run, followup_email_send

from ..factories import enable_totp
from ..kuesioner.factories import make_questionnaire, post_data
from ..program_factories import add_participant, make_cohort, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(db):
    return make_programme("BM-26")


def test_no_questionnaire_means_done(programme, learner):
    participant = add_participant(make_cohort(programme), learner)

    assert participant_questionnaire_done(participant) is True
    assert participant_questionnaire_url(participant) is None


def test_the_programme_questionnaire_applies_until_the_cohort_has_its_own(
    client, programme, learner
):
    # given
    general, own = make_questionnaire("Umum"), make_questionnaire("Khusus angkatan")
    programme.questionnaire = general
    programme.save()
    cohort = make_cohort(programme)
    participant = add_participant(cohort, learner)
    url = reverse("kuesioner:answer", args=[f"program.cohort:{cohort.pk}"])
    assert participant_questionnaire_url(participant) == url
    assert "Umum" in _page(client, learner, url)

    # when the cohort gets its own, it is the one asked
    Cohort.objects.filter(pk=cohort.pk).update(questionnaire=own)
    participant = Participant.objects.select_related("cohort__programme").get(pk=participant.pk)
    assert "Khusus angkatan" in _page(client, learner, url)
    client.post(url, post_data(own))

    # then
    assert participant_questionnaire_done(participant) is True
    assert participant_questionnaire_url(participant) is None
    assert Respondent.objects.get().context == f"program.cohort:{cohort.pk}"


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_only_active_participants_answer_a_cohort_questionnaire(
    client, programme, learner, make_employee
):
    programme.questionnaire = make_questionnaire()
    programme.save()
    cohort = make_cohort(programme)
    withdrawn = make_employee("32.04").user
    add_participant(cohort, withdrawn, status="withdrawn")
    url = reverse("kuesioner:answer", args=[f"program.cohort:{cohort.pk}"])

    for user in (learner, withdrawn):
        client.force_login(user)
        assert client.get(url).status_code == 404


# Who is the supervisor


def test_the_supervisor_is_in_the_unit_or_the_nearest_unit_above(programme, learner, make_employee):
    cohort = make_cohort(programme)
    participant = add_participant(cohort, learner)  # Kabupaten Bandung (32.04)
    province = make_employee("32", SUPERVISOR).user
    make_employee("RI", SUPERVISOR)

    assert participant_supervisors(participant=participant) == [province]

    regency = make_employee("32.04", SUPERVISOR).user
    assert participant_supervisors(participant=participant) == [regency]


def test_a_supervisor_taking_part_is_followed_up_from_above(programme, make_employee):
    cohort = make_cohort(programme)
    regency = make_employee("32.04", SUPERVISOR).user
    province = make_employee("32", SUPERVISOR).user
    participant = add_participant(cohort, regency)

    assert participant_supervisors(participant=participant) == [province]


# The follow-up


@pytest.fixture
def closed_cohort(programme, learner, make_employee):
    """A cohort closed 91 days ago with a follow-up after 90 days: the learner passed, another
    failed; the province (32) has a supervisor."""
    followup = make_questionnaire("Tindak lanjut")
    cohort = make_cohort(
        programme,
        status=Cohort.Status.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=91),
        followup_questionnaire=followup,
    )
    add_participant(cohort, learner, outcome=Participant.Outcome.PASSED)
    add_participant(cohort, make_employee("32.04").user, outcome=Participant.Outcome.FAILED)
    enable_totp(make_employee("32", SUPERVISOR).user)  # supervisors sign in with MFA
    return cohort


def test_supervisors_of_passed_participants_get_one_email_each(
    closed_cohort, learner, django_capture_on_commit_callbacks
):
    # when the daily run runs twice
    with django_capture_on_commit_callbacks(execute=True):
        first = followup_due_run()
    with django_capture_on_commit_callbacks(execute=True):
        second = followup_due_run()

    # then one request and one email, about the passed participant, with the link
    request = FollowupRequest.objects.get()
    assert request.participant.user == learner
    assert (first["invites"], second["invites"]) == (1, 0)
    [message] = mail.outbox
    assert message.to == [request.supervisor.email]
    assert "menerapkan hasil pelatihan dalam pekerjaan" in message.body
    assert f"/kuesioner/isi/program.followup:{request.participant_id}/" in message.body
    assert request.__class__.objects.get().sent_at is not None
    # a repeated message sends nothing
    assert followup_email_send(request_id=request.pk, kind="invite") is False
    assert len(mail.outbox) == 1


def test_nothing_is_sent_before_the_waiting_time(closed_cohort):
    Cohort.objects.filter(pk=closed_cohort.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=80)
    )

    assert followup_due_run() == {"invites": 0, "reminders": 0}
    assert not FollowupRequest.objects.exists()


def test_a_reminder_goes_once_to_a_supervisor_who_has_not_answered(
    closed_cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        followup_due_run()
    later = timezone.now() + datetime.timedelta(days=15)

    with django_capture_on_commit_callbacks(execute=True):
        assert followup_due_run(now=later)["reminders"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert followup_due_run(now=later)["reminders"] == 0

    assert [m.subject.startswith("Pengingat") for m in mail.outbox] == [False, True]


def test_the_supervisor_answers_and_the_cohort_shows_the_follow_up_rate(
    client, closed_cohort, admin_lms, django_capture_on_commit_callbacks
):
    # given the email went
    with django_capture_on_commit_callbacks(execute=True):
        followup_due_run()
    request = FollowupRequest.objects.select_related("supervisor").get()
    url = reverse("kuesioner:answer", args=[request.context])

    # when the supervisor answers about the participant
    client.force_login(request.supervisor)
    page = client.get(url).content.decode()
    assert "Tindak lanjut pelatihan" in page
    client.post(url, post_data(closed_cohort.followup_questionnaire))

    # then no reminder is sent, and the cohort's results page shows the rate
    later = timezone.now() + datetime.timedelta(days=15)
    assert followup_due_run(now=later)["reminders"] == 0
    client.force_login(admin_lms)
    questionnaire = make_questionnaire("Evaluasi angkatan")
    results = client.get(
        reverse(
            "kuesioner_admin:results", args=[questionnaire.pk, f"program.cohort:{closed_cohort.pk}"]
        )
    ).content.decode()
    assert "Tindak lanjut atasan: 1 dari 1 peserta lulus" in results


def test_another_user_cannot_answer_a_follow_up(
    client, closed_cohort, make_employee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        followup_due_run()
    request = FollowupRequest.objects.get()
    other = make_employee("32", SUPERVISOR).user  # not asked (added after the run)
    enable_totp(other)
    client.force_login(other)

    assert client.get(reverse("kuesioner:answer", args=[request.context])).status_code == 404


def test_a_broker_outage_loses_no_follow_up_email(
    closed_cohort, monkeypatch, django_capture_on_commit_callbacks
):
    from celery import current_app

    from lms.core.outbox import outbox_sweep

    task = current_app.tasks["program.tasks.followup_email_send_task"]

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    with monkeypatch.context() as patch:
        patch.setattr(task, "apply_async", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            followup_due_run()

    assert not mail.outbox
    request = FollowupRequest.objects.get()
    assert request.queued_at is not None and request.sent_at is None
    OutboxMessage.objects.update(available_at=timezone.now())
    assert outbox_sweep() == 1
    assert len(mail.outbox) == 1
    assert followup_due_run()["invites"] == 0
