from django.urls import path

from kursus.views import unit_assign

from . import views

app_name = "organisasi"

urlpatterns = [
    path("", views.scope_home, name="scope_home"),
    path("unit/<str:code>/", views.unit_detail, name="unit_detail"),
    path("unit/<str:code>/penugasan/", unit_assign, name="unit_assign"),
]
