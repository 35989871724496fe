"""The supervisor's pages under /laporan/: the reports, their exports, and assigning a
course to a unit (a kursus view that a supervisor reaches from a report)."""

from django.urls import path

from kursus.views import unit_assign

from . import cohort_views, views

app_name = "laporan"

urlpatterns = [
    path("", views.scope_home, name="scope_home"),
    path("unit/<str:code>/", views.unit_dashboard, name="unit_detail"),
    path("unit/<str:code>/kursus/", views.unit_courses, name="unit_courses"),
    path("unit/<str:code>/kursus/<id:course_id>/", views.course_report, name="course_report"),
    path("unit/<str:code>/jp/", views.jp_compliance, name="jp_compliance"),
    path("unit/<str:code>/pegawai/", views.unit_employees, name="unit_employees"),
    path(
        "unit/<str:code>/pegawai/<id:employee_id>/",
        views.employee_record,
        name="employee_record",
    ),
    path("unit/<str:code>/pengingat/", views.reminder_send, name="reminder_send"),
    path("unit/<str:code>/langganan/", views.subscribe, name="subscribe"),
    path("unit/<str:code>/ekspor/<str:kind>.<str:fmt>", views.report_export, name="report_export"),
    path("ekspor/<id:pk>/", views.export_detail, name="export_detail"),
    path("ekspor/<id:pk>/status/", views.export_status, name="export_status"),
    path("ekspor/<id:pk>/unduh/", views.export_download, name="export_download"),
    path("unit/<str:code>/penugasan/", unit_assign, name="unit_assign"),
    path("angkatan/", cohort_views.cohort_list, name="cohort_list"),
    path("angkatan/<id:cohort_id>/", cohort_views.cohort_detail, name="cohort_report"),
    path("angkatan/<id:cohort_id>/laporan.xlsx", cohort_views.cohort_export, name="cohort_export"),
]
