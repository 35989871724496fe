"""The learner's and the supervisor's pages of programmes, under /program/."""

from django.urls import path

from .views import cohorts

app_name = "program"

urlpatterns = [
    path("angkatan/<int:pk>/", cohorts.cohort_detail, name="cohort_detail"),
    path("angkatan/<int:pk>/daftar/", cohorts.cohort_enrol, name="cohort_enrol"),
    path("persetujuan/", cohorts.approval_list, name="approval_list"),
    path("persetujuan/<int:pk>/", cohorts.approval_decide, name="approval_decide"),
]
