from django.urls import path

from . import views

app_name = "kursus"

urlpatterns = [
    path("dasbor/", views.dashboard, name="dashboard"),
    path("belajar/kursus/<int:course_id>/daftar/", views.enroll, name="enroll"),
    path("belajar/kursus/<int:course_id>/keluar/", views.withdraw, name="withdraw"),
    path("belajar/materi/<int:lesson_id>/selesai/", views.complete_lesson, name="complete_lesson"),
]
