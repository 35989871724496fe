from django.conf import settings
from django.template.response import TemplateResponse
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.beranda.views import healthz


class AdminLoginRedirect(RedirectView):
    """Wagtail's own login would bypass allauth's MFA stage and rate limits: send it there.

    Wagtail sends here (WAGTAILADMIN_LOGIN_URL) whoever may not enter the admin. A signed-in
    user is one who may not (a learner, a supervisor): they get the site's 403 page, saying
    whom the admin is for and where a supervisor's reports are, not the login page, which
    would send them straight back to the admin and round again."""

    query_string = True
    url = reverse_lazy("account_login")

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return TemplateResponse(request, "403.html", {"admin_area": True}, status=403)
        return super().get(request, *args, **kwargs)


handler400 = "lms.core.views.bad_request"
handler500 = "lms.core.views.server_error"


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/login/", AdminLoginRedirect.as_view()),
    path("admin/", include(wagtailadmin_urls)),
    path("dokumen/", include(wagtaildocs_urls)),
    path("akun/", include("allauth.urls")),
    path("api/", include("integrasi.urls")),
    path("laporan/", include("laporan.urls")),
    path("sertifikat/", include("sertifikat.urls")),
    path("program/", include("program.urls")),
    path("kuesioner/", include("kuesioner.urls")),
    path("", include("kursus.urls")),
]

if settings.DEBUG:
    from lms.core.media import media_urlpatterns

    urlpatterns += media_urlpatterns()  # uploads with the headers the proxy adds in production

urlpatterns += [path("", include(wagtail_urls))]
