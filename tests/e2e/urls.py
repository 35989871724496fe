"""The project's URLs, plus the media files (course covers) that a web server or object
storage serves in production, so that the journeys' screenshots show them."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from lms import urls as project_urls

urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler500 = project_urls.handler500
