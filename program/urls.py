"""The learner's and the supervisor's pages of programmes, under /program/."""

from django.urls import path

from .views import attendance, cohorts, grading, timetable

app_name = "program"

urlpatterns = [
    path("penilaian/", grading.assessment_list_view, name="assessment_list"),
    path("penilaian/sesi/<int:session_id>/", grading.assessment_form_view, name="assessment_form"),
    path("sesi/<int:session_id>/nilai-tim/", grading.peer_rating_view, name="peer_rating"),
    path("hadir/", attendance.checkin_code, name="checkin_code"),
    path("hadir/<str:token>/", attendance.checkin_scan, name="checkin_scan"),
    path("sesi/<int:session_id>/", timetable.session_detail, name="session_detail"),
    path("sesi/<int:session_id>/kalender.ics", timetable.session_ics, name="session_ics"),
    path("angkatan/<int:cohort_id>/kalender.ics", timetable.cohort_ics, name="cohort_calendar"),
    path("kalender/", timetable.my_calendar, name="my_calendar"),
    path("kalender/<str:token>.ics", timetable.calendar_feed, name="calendar_feed"),
    path("angkatan/<int:pk>/", cohorts.cohort_detail, name="cohort_detail"),
    path("angkatan/<int:pk>/daftar/", cohorts.cohort_enrol, name="cohort_enrol"),
    path("persetujuan/", cohorts.approval_list, name="approval_list"),
    path("persetujuan/<int:pk>/", cohorts.approval_decide, name="approval_decide"),
]
