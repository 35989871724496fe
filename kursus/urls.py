from django.urls import path

from . import views
from .kuis import views as quiz_views

app_name = "kursus"

urlpatterns = [
    path("dasbor/", views.dashboard, name="dashboard"),
    path("belajar/kursus/<id:course_id>/daftar/", views.enroll, name="enroll"),
    path("belajar/kursus/<id:course_id>/keluar/", views.withdraw, name="withdraw"),
    path("belajar/materi/<id:lesson_id>/selesai/", views.complete_lesson, name="complete_lesson"),
    path("belajar/materi/<id:lesson_id>/akhir/", views.lesson_end, name="lesson_end"),
    path("belajar/kuis/<id:quiz_id>/mulai/", quiz_views.quiz_start, name="quiz_start"),
    path(
        "belajar/kuis/<id:quiz_id>/minta-kesempatan/",
        quiz_views.quiz_request_attempt,
        name="quiz_request_attempt",
    ),
    path("belajar/percobaan/<id:attempt_id>/", quiz_views.attempt_view, name="attempt"),
    path(
        "belajar/percobaan/<id:attempt_id>/jawab/",
        quiz_views.attempt_answer,
        name="attempt_answer",
    ),
    path("belajar/percobaan/<id:attempt_id>/simpan/", quiz_views.attempt_save, name="attempt_save"),
    path(
        "belajar/percobaan/<id:attempt_id>/ringkasan/",
        quiz_views.attempt_summary,
        name="attempt_summary",
    ),
    path(
        "belajar/percobaan/<id:attempt_id>/kumpulkan/",
        quiz_views.attempt_submit,
        name="attempt_submit",
    ),
    path(
        "belajar/percobaan/<id:attempt_id>/hasil/",
        quiz_views.attempt_result,
        name="attempt_result",
    ),
]
