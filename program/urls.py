"""The learner's and the supervisor's pages of programmes, under /program/."""

from django.urls import path

from .views import attendance

app_name = "program"

urlpatterns = [
    path("hadir/", attendance.checkin_code, name="checkin_code"),
    path("hadir/<str:token>/", attendance.checkin_scan, name="checkin_scan"),
]
