from django.urls import include, path

from kursus.views import unit_assign

app_name = "organisasi"

urlpatterns = [
    # The supervisor's reports (dashboard, drill-down, course and JP reports, exports).
    path("", include("lms.laporan.urls")),
    path("unit/<str:code>/penugasan/", unit_assign, name="unit_assign"),
]
