from django.urls import path

from . import views

app_name = "sertifikat"

urlpatterns = [
    path("verifikasi/", views.verify_search, name="verify_search"),
    path("verifikasi/<str:kode>/", views.verify, name="verify"),
    path("api/verifikasi/", views.verify_api, name="verify_api_search"),
    path("api/verifikasi/<str:kode>/", views.verify_api, name="verify_api"),
    path("unduh/<str:kode>/", views.download, name="download"),
]
