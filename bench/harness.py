"""What every benchmark scenario shares: a throw-away database, timing, and the JSON line.

A scenario runs against its own database (a temporary SQLite file by default, or a new
PostgreSQL database next to DATABASE_URL's), which it creates, migrates and drops.
"""

import argparse
import json
import os
import platform
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args(description: str, sizes: dict) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", choices=sorted(sizes), default="small")
    return parser.parse_args()


def django_setup(**env) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    os.environ.update(env)
    import django

    django.setup()


@contextmanager
def throwaway_database(name: str = "bench", keep: str = ""):
    """Create and migrate a database of our own (lms_<name>_<pid> on PostgreSQL, or
    var/<name>-<pid>.sqlite3); drop it afterwards, whatever happens. The cache is emptied
    first: entries of an earlier run's database (users, pages, outlines under the same ids)
    must not answer for this one's, so give benchmarks a cache of their own.

    With `keep`, the database of that name is created if missing and never dropped, so that a
    data set that takes most of an hour to generate is generated once and measured again."""
    from django.core.cache import cache
    from django.db import connection

    cache.clear()

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(
            ROOT / "var" / f"{name}-{keep or os.getpid()}.sqlite3"
        )
    else:
        connection.settings_dict["TEST"]["NAME"] = keep or f"lms_{name}_{os.getpid()}"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(
        verbosity=0, autoclobber=not keep, serialize=False, keepdb=bool(keep)
    )
    try:
        yield connection
    finally:
        connection.close()
        if keep:
            connection.settings_dict["NAME"] = old_name
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


@contextmanager
def timer():
    result = {}
    start = time.perf_counter()
    yield result
    result["seconds"] = time.perf_counter() - start


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


RESULTS_DIR = ROOT / "var" / "bench-results"


def last_result(scenario: str, size: str, database: str) -> dict | None:
    """The JSON line of the last run of `scenario` at `size` on this machine's `database`
    vendor, or None: what a large run compares itself with (its medium run)."""
    path = RESULTS_DIR / f"{scenario}-{size}-{database}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def emit(scenario: str, size: str, figures: dict) -> None:
    """The one JSON line every scenario ends with, also kept in var/bench-results/."""
    from django.db import connection

    line = {
        "scenario": scenario,
        "size": size,
        "database": connection.vendor,
        "python": platform.python_version(),
        **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in figures.items()},
    }
    text = json.dumps(line, ensure_ascii=False)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{scenario}-{size}-{connection.vendor}.json").write_text(text + "\n")
    print(text)
