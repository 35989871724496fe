"""The learner's and the supervisor's pages of programmes, under /program/."""

from django.urls import path

from .views import timetable

app_name = "program"

urlpatterns = [
    path("sesi/<int:session_id>/", timetable.session_detail, name="session_detail"),
    path("sesi/<int:session_id>/kalender.ics", timetable.session_ics, name="session_ics"),
    path("angkatan/<int:cohort_id>/kalender.ics", timetable.cohort_ics, name="cohort_calendar"),
    path("kalender/", timetable.my_calendar, name="my_calendar"),
    path("kalender/<str:token>.ics", timetable.calendar_feed, name="calendar_feed"),
]
