"""The respondent's pages, under /kuesioner/."""

from django.urls import path

from . import views

app_name = "kuesioner"

urlpatterns = [path("isi/<str:context>/", views.answer_view, name="answer")]
