"""The learner's and the supervisor's pages of programmes, under /program/."""

from django.urls import path  # noqa: F401

app_name = "program"

urlpatterns = []
