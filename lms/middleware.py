from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """Indonesian unless the visitor picked another language with the switcher.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a civil
    servant whose phone is set to English still gets the Indonesian site by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
