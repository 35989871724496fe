from django.conf import settings
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.beranda.views import healthz


class AdminLoginRedirect(RedirectView):
    """Wagtail's own login would bypass allauth's MFA stage and rate limits: send it there."""

    query_string = True
    url = reverse_lazy("account_login")


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/login/", AdminLoginRedirect.as_view()),
    path("admin/", include(wagtailadmin_urls)),
    path("dokumen/", include(wagtaildocs_urls)),
    path("akun/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("laporan/", include("lms.organisasi.urls")),
    path("sertifikat/", include("sertifikat.urls")),
    path("", include("kursus.urls")),
]

if settings.DEBUG:
    from lms.core.media import media_urlpatterns

    urlpatterns += media_urlpatterns()  # uploads with the headers the proxy adds in production

urlpatterns += [path("", include(wagtail_urls))]
