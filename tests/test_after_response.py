"""Work put aside until the response has gone: the certificate's render message, say."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from lms.middleware import AfterResponseMiddleware, after_response


def test_outside_a_request_the_work_runs_at_once():
    done = []
    after_response(lambda: done.append(1))
    assert done == [1]


def test_the_work_runs_when_the_server_closes_the_response_not_before():
    events = []

    def view(request):
        after_response(lambda: events.append("work"))
        events.append("view returned")
        return HttpResponse("ok")

    response = AfterResponseMiddleware(view)(RequestFactory().get("/"))
    events.append("response sent")
    assert events == ["view returned", "response sent"]

    response.close()  # what the WSGI server does once the response is written
    assert events == ["view returned", "response sent", "work"]
    after_response(lambda: events.append("later"))  # the request is over
    assert events[-1] == "later"


def test_a_failing_work_is_logged_and_the_rest_still_runs(monkeypatch):
    from lms import middleware

    done, closed, logged = [], [], []
    monkeypatch.setattr(middleware.log, "exception", lambda *args: logged.append(args[0]))

    def view(request):
        after_response(lambda: 1 / 0)
        after_response(lambda: done.append(1))
        response = HttpResponse("ok")
        response._resource_closers.append(lambda: closed.append(1))
        return response

    response = AfterResponseMiddleware(view)(RequestFactory().get("/"))
    response.close()

    assert done == [1] and closed == [1]
    assert logged == ["after the response: %r failed"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_course_completed_over_http_has_its_render_sent_after_the_response(
    client, learner, monkeypatch
):
    """The completion commits in the view; its render message goes once the response is
    closed, not while the learner waits for the page."""
    from django.urls import reverse

    from kursus import views
    from kursus.services import enrollment_create, lesson_complete
    from sertifikat.models import Certificate
    from sertifikat.tasks import certificate_render_task

    from .factories import course_lessons, make_course

    course = make_course("AFT-01", modules=(1,), jp=2)
    lesson = course_lessons(course)[0]
    enrollment_create(user=learner, course=course)
    client.force_login(learner)
    sent, sent_when_committed = [], []
    monkeypatch.setattr(certificate_render_task, "delay", lambda *args: sent.append(args))

    def complete_then_look(**kwargs):
        enrollment = lesson_complete(**kwargs)  # committed here
        sent_when_committed.append(list(sent))
        return enrollment

    monkeypatch.setattr(views, "lesson_complete", complete_then_look)
    response = client.post(reverse("kursus:complete_lesson", args=[lesson.pk]))

    assert response.status_code == 302
    cert = Certificate.objects.get(user=learner, course=course)
    assert sent_when_committed == [[]]
    assert sent == [(cert.pk, cert.generation)]
