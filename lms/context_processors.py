from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.WAGTAIL_SITE_NAME, "LMS_OPEN_SIGNUP": settings.LMS_OPEN_SIGNUP}
