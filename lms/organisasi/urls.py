from django.urls import path

from . import views

app_name = "organisasi"

urlpatterns = [
    path("", views.scope_home, name="scope_home"),
    path("unit/<str:code>/", views.unit_detail, name="unit_detail"),
]
