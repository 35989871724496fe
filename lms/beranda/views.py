import logging
import os

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Site

logger = logging.getLogger(__name__)


def _check_database() -> None:
    """A read that needs the connection and the site's own tables."""
    Site.objects.exists()


def _check_broker() -> None:
    from lms.celery import app

    with app.connection_for_write() as conn:
        if conn.transport.driver_type == "filesystem":
            # Nothing to connect to: the broker is a folder that must be writable.
            folder = conn.transport_options["data_folder_out"]
            if not os.access(folder, os.W_OK):
                raise OSError(f"broker folder {folder} is not writable")
            return
        conn.ensure_connection(max_retries=1, timeout=2)
        channel = conn.default_channel
        if hasattr(channel, "client"):  # redis: ask the server itself
            channel.client.ping()


CHECKS = {"database": _check_database, "broker": _check_broker}


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker answer; 503 naming the part that does not."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:
            logger.warning("healthz: %s unreachable: %s", name, exc)
            results[name] = "down"
        else:
            results[name] = "ok"
    healthy = all(state == "ok" for state in results.values())
    body = {"status": "ok" if healthy else "error", "checks": results}
    if settings.DEBUG:
        body["broker_url"] = settings.CELERY_BROKER_URL.split("@")[-1]
    return JsonResponse(body, status=200 if healthy else 503)
