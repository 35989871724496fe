"""gunicorn's settings for the web node: `gunicorn -c python:lms.gunicorn lms.wsgi`, the image's
command, and what the load benches run (bench.pages, bench.quiz), so that the figures are
those of the server we ship.

Sync workers, one request at a time each, behind the HTTPS proxy that deals with slow clients
and keep-alive. Every worker takes its next request from the one listening socket, so a burst
spreads over all of them; a threaded worker keeps each keep-alive connection it accepted, and
on the benches one process held three connections in four while the other idled.

Workers: gunicorn's rule of thumb, 2 x the CPUs this process may use + 1, or WEB_CONCURRENCY.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * len(os.sched_getaffinity(0)) + 1)
worker_class = "sync"
