import logging
from contextvars import ContextVar

from django.conf import settings
from django.utils import translation

log = logging.getLogger(__name__)

_after_response: ContextVar[list | None] = ContextVar("after_response", default=None)


def after_response(work) -> None:
    """Call `work()` once the response of the current request has gone to the client, or now
    when no request is being served (a task, a command). For what the client need not wait
    for, and that something else does again if the process dies before it (see
    AfterResponseMiddleware). After a response an exception of `work` is logged, not raised:
    the response is already sent."""
    pending = _after_response.get()
    if pending is None:
        work()
    else:
        pending.append(work)


class AfterResponseMiddleware:
    """Runs the work that `after_response` put aside once the WSGI server closes the response,
    which it does after sending it: gunicorn's sync worker writes the whole response, then
    closes it, and only then takes its next request. The worker is as busy as before; the
    client just does not wait for that work. Outermost, so that it sees every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pending: list = []
        token = _after_response.set(pending)
        try:
            response = self.get_response(request)
        finally:
            _after_response.reset(token)
        if pending:
            close = response.close

            def work_then_close():
                try:
                    for work in pending:
                        try:
                            work()
                        except Exception:
                            log.exception("after the response: %r failed", work)
                finally:
                    close()  # the request's end (request_finished) comes after its work

            response.close = work_then_close
        return response


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
