"""The deployment files (Dockerfile, compose.yaml, .dockerignore, docs/deploy.md) agree with
what the README, the Makefile and the settings say, and media storage can be switched to S3.

No Docker engine runs here, so the files are read, not built: these tests catch the drift
that would make `docker compose up -d` start something other than what the README documents.
"""

import fnmatch
import json
import os
import posixpath
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import resolve

from lms.beranda.views import healthz

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat", "migrate")
# Variables the container runtime sets itself; compose.yaml may use them without .env.example.
RUNTIME_VARIABLES = {"HOSTNAME"}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def _env_example_names() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    lines = [
        line
        for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), " ".join(arguments.split())))
    return instructions


def _dockerfile_cmd() -> list[str]:
    cmds = [args for keyword, args in _dockerfile_instructions() if keyword == "CMD"]
    assert cmds, "the Dockerfile has no CMD"
    return json.loads(cmds[-1])


def _apt_packages() -> set[str]:
    packages = set()
    for keyword, args in _dockerfile_instructions():
        if keyword == "RUN" and "apt-get install" in args:
            for part in args.split("&&"):
                words = part.split()
                if words[:2] == ["apt-get", "install"]:
                    packages.update(w for w in words[2:] if not w.startswith("-"))
    return packages


def _readme_deploy_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Deploying to production" in readme
    return readme.split("## Deploying to production", 1)[1].split("\n## ", 1)[0]


def _readme_commands() -> dict[str, list[str]]:
    """The production commands the README documents, by the compose service that runs them."""
    commands = {}
    for span in re.findall(r"`([^`]+)`", _readme_deploy_section()):
        words = shlex.split(span)
        if words[0] == "gunicorn":
            commands["web"] = words
        elif words[:3] == ["celery", "-A", "lms"] and words[3] in ("worker", "beat"):
            commands[words[3]] = words
    return commands


def _command(service: dict) -> list[str]:
    command = service.get("command")
    if command is None:
        return _dockerfile_cmd()
    return shlex.split(command) if isinstance(command, str) else list(command)


def _option(words: list[str], *names: str) -> str | None:
    for i, word in enumerate(words):
        if word in names:
            return words[i + 1]
        for name in names:
            if name.startswith("--") and word.startswith(name + "="):
                return word.split("=", 1)[1]
    return None


def _healthcheck_text(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


# compose.yaml


def test_compose_defines_every_service_the_deployment_needs():
    services = _compose()["services"]

    assert {"web", "worker", "beat", "migrate", "db", "redis"} <= set(services)
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")


def test_web_worker_beat_and_migrate_are_one_image_built_from_the_dockerfile():
    services = _compose()["services"]

    builds = {json.dumps(services[name].get("build"), sort_keys=True) for name in APP_SERVICES}
    images = {services[name].get("image") for name in APP_SERVICES}
    assert builds == {json.dumps(".")}
    assert len(images) == 1


def test_web_runs_the_readme_gunicorn_command_as_the_image_default():
    readme = _readme_commands()["web"]
    web = _compose()["services"]["web"]

    assert _dockerfile_cmd()[: len(readme)] == readme
    assert _command(web)[: len(readme)] == readme
    assert _option(_command(web), "--bind", "-b").endswith(":8000")


def _gunicorn_settings(monkeypatch, **env) -> dict:
    """What gunicorn reads from lms/gunicorn.py under `env`, as gunicorn itself loads it."""
    from gunicorn.app.base import Application

    for name in ("WEB_CONCURRENCY", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delitem(sys.modules, "lms.gunicorn", raising=False)  # read afresh
    return Application.get_config_from_module_name(None, "lms.gunicorn")


def test_the_web_command_and_the_load_benches_use_lms_gunicorn(monkeypatch):
    import bench.pages

    readme = _readme_commands()["web"]
    assert _option(readme, "-c", "--config") == "python:lms.gunicorn"
    assert "python:lms.gunicorn" in bench.pages.start_server.__code__.co_consts

    config = _gunicorn_settings(monkeypatch)
    assert config["worker_class"] == "sync"
    assert config["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert config["bind"] == "0.0.0.0:8000"
    assert _gunicorn_settings(monkeypatch, WEB_CONCURRENCY="9")["workers"] == 9


def test_worker_runs_the_readme_command_on_the_queues_of_the_makefile_and_settings():
    readme = _readme_commands()["worker"]
    worker = _command(_compose()["services"]["worker"])
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    make_worker = re.search(r"^worker:.*\n\t(.+)$", makefile, flags=re.MULTILINE).group(1)

    assert worker[: len(readme)] == readme
    queues = _option(worker, "-Q", "--queues").split(",")
    assert queues == ["default", "pdf"]
    assert _option(shlex.split(make_worker), "-Q", "--queues").split(",") == queues
    assert {queue.name for queue in settings.CELERY_TASK_QUEUES} == set(queues)


def test_beat_is_its_own_single_service_and_no_worker_embeds_it():
    services = _compose()["services"]
    readme = _readme_commands()["beat"]
    beat = _command(services["beat"])

    assert beat[: len(readme)] == readme
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    for name in ("web", "worker", "migrate"):
        words = _command(services[name])
        assert "-B" not in words and "--beat" not in words and "beat" not in words, name


def test_migrate_runs_the_readme_release_steps_and_loads_demo_data_only_on_request():
    migrate = _compose()["services"]["migrate"]
    script = " ".join(_command(migrate))
    section = _readme_deploy_section()

    assert "`python manage.py migrate`" in section
    assert "`python manage.py load_orgunits`" in section
    assert "manage.py migrate --noinput" in script
    assert script.index("manage.py migrate") < script.index("manage.py load_orgunits")
    on_request = re.search(
        r'if \[ "\$\$\{LMS_LOAD_DEMO_DATA:-false\}" = "true" \]; then ([^;]*); fi', script
    )
    unconditional = script.replace(on_request.group(0), "") if on_request else script
    assert "seed_demo" not in unconditional
    assert "certificate_signing_key" not in unconditional
    assert migrate["restart"] == "no"


def test_app_services_start_after_migrate_and_healthy_database_and_broker():
    services = _compose()["services"]

    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
        assert depends_on["db"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name


def test_health_checks_probe_what_each_service_provides():
    services = _compose()["services"]

    web = _healthcheck_text(services["web"])
    path = re.search(r"http://127\.0\.0\.1:8000(/\S*?)'", web).group(1)
    assert resolve(path).func is healthz
    assert "pg_isready" in _healthcheck_text(services["db"])
    assert "redis-cli ping" in _healthcheck_text(services["redis"])
    assert "celery -A lms inspect ping" in _healthcheck_text(services["worker"])


def test_app_services_point_at_the_compose_database_broker_cache_and_shared_media():
    compose = _compose()
    services = compose["services"]
    dockerfile_env = " ".join(
        args for keyword, args in _dockerfile_instructions() if keyword == "ENV"
    )

    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "lms.settings.production", name
        assert "@db:5432/" in environment["DATABASE_URL"], name
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379/"), name
        assert environment["DJANGO_CACHE_URL"].startswith("redis://redis:6379/"), name
        assert environment["CELERY_BROKER_URL"] != environment["DJANGO_CACHE_URL"], name
        media_root = environment["DJANGO_MEDIA_ROOT"]
        assert f"media:{media_root}" in services[name]["volumes"], name
        assert f"DJANGO_MEDIA_ROOT={media_root}" in dockerfile_env
        assert f"DJANGO_STATIC_ROOT={environment['DJANGO_STATIC_ROOT']}" in dockerfile_env
    assert "media" in compose["volumes"]


def test_workers_find_the_signing_key_where_env_example_puts_it():
    services = _compose()["services"]
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    value = re.search(r"^LMS_CERT_SIGNING_P12=(.*)$", text, flags=re.MULTILINE).group(1).strip()
    workdir = next(args for keyword, args in _dockerfile_instructions() if keyword == "WORKDIR")
    key_folder = posixpath.dirname(posixpath.normpath(posixpath.join(workdir, value)))

    for name in ("worker", "migrate"):
        assert f"signing:{key_folder}" in services[name]["volumes"], name
    assert not any(v.startswith("signing:") for v in services["web"]["volumes"])


def test_every_variable_compose_reads_is_in_env_example():
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    documented = _env_example_names()
    services = _compose()["services"]

    interpolated = set(re.findall(r"(?<!\$)\$\{?([A-Z_][A-Z0-9_]*)", text))
    in_containers = set(re.findall(r"\$\$\{?([A-Z_][A-Z0-9_]*)", text)) - RUNTIME_VARIABLES
    app_environment = {key for name in APP_SERVICES for key in services[name]["environment"]}
    assert interpolated, "compose.yaml should take the database password from .env"
    assert interpolated - documented == set()
    assert in_containers - documented == set()
    assert app_environment - documented == set()
    assert all(services[name]["env_file"] == ".env" for name in APP_SERVICES)


# Dockerfile and .dockerignore


def test_dockerfile_installs_weasyprint_libraries_and_the_requirements_as_a_non_root_user():
    instructions = _dockerfile_instructions()
    readme_packages = re.search(r"`([^`]*libpango[^`]*)`", (ROOT / "README.md").read_text())
    runs = [args for keyword, args in instructions if keyword == "RUN"]
    users = [args for keyword, args in instructions if keyword == "USER"]

    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    assert {"libpango-1.0-0", "libpangoft2-1.0-0"} <= _apt_packages()
    assert {p for p in readme_packages.group(1).split() if p.startswith("lib")} <= _apt_packages()
    assert any("pip install -r requirements.txt" in args for args in runs)
    assert ("COPY", "requirements.txt ./") in instructions
    assert users and users[-1] not in ("root", "0")
    assert [k for k, _ in instructions].index("USER") < [k for k, _ in instructions].index("CMD")


def _collectstatic_run() -> str:
    return next(
        args
        for keyword, args in _dockerfile_instructions()
        if keyword == "RUN" and "collectstatic" in args
    )


def test_dockerfile_collectstatic_values_are_enough_to_load_production_settings(tmp_path):
    run = _collectstatic_run()
    # The step's own assignments, evaluated by a shell as the build does (the key is drawn at
    # random by a command substitution).
    assignments = run.split("python manage.py")[0]
    env = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }

    assert "--noinput" in run
    result = subprocess.run(
        ["/bin/sh", "-c", f"{assignments} python manage.py collectstatic --noinput --dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "static files copied" in result.stdout


def test_dockerfile_build_key_is_drawn_at_random_not_published():
    """A fixed build key would be in the repository for anyone to sign sessions with."""
    assignments = _collectstatic_run().split("python manage.py")[0]
    env = {"PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    keys = {
        subprocess.run(
            ["/bin/sh", "-c", f"{assignments} sh -c 'printf %s \"$DJANGO_SECRET_KEY\"'"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for _ in range(2)
    }

    assert len(keys) == 2, keys
    assert all(len(key) >= 50 and key not in assignments for key in keys)


def test_dockerignore_keeps_secrets_and_local_state_out_but_the_code_in():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(name: str) -> bool:
        verdict = False
        for pattern in patterns:
            negated = pattern.startswith("!")
            if fnmatch.fnmatch(name, pattern.lstrip("!")):
                verdict = not negated
        return verdict

    for name in (".env", ".git", ".venv", "var", "staticfiles", "signing.p12"):
        assert ignored(name), name
    for name in (
        "requirements.txt",
        "manage.py",
        "lms",
        "kursus",
        "sertifikat",
        "laporan",
        "templates",
    ):
        assert not ignored(name), name
    for name in ("static", "fixtures", ".env.example"):
        assert not ignored(name), name


# docs/deploy.md


def test_deploy_guide_names_every_variable_and_service():
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")

    missing = sorted(name for name in _env_example_names() if f"`{name}`" not in guide)
    assert missing == []
    for service in _compose()["services"]:
        assert f"`{service}`" in guide, service
    for name in ("LMS_CERT_SIGNING_P12", "LMS_CERT_SIGNING_PASSPHRASE", "pg_dump", "pg_restore"):
        assert name in guide, name


# Media storage: disk by default, S3-compatible object storage on request


STORAGE_PROBE = """
import json
import django
django.setup()
from django.core.files.storage import storages
s = storages["default"]
print(json.dumps({
    "class": f"{type(s).__module__}.{type(s).__qualname__}",
    "bucket": getattr(s, "bucket_name", None),
    "endpoint": getattr(s, "endpoint_url", None),
    "querystring_auth": getattr(s, "querystring_auth", None),
    "acl": getattr(s, "default_acl", "n/a"),
    "url": s.url("impor-pegawai/2026/01/pegawai.csv"),
}))
"""


def _production_storage(tmp_path, **extra: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key != "LMS_MEDIA_STORAGE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="lms.bawaslu.go.id",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BROKER_URL="memory://",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        **extra,
    )
    return subprocess.run(
        [sys.executable, "-c", STORAGE_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_media_stays_on_disk_unless_s3_is_asked_for(tmp_path):
    result = _production_storage(tmp_path)

    assert result.returncode == 0, result.stderr
    storage = json.loads(result.stdout)
    assert storage["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert storage["url"] == "/media/impor-pegawai/2026/01/pegawai.csv"


def test_s3_media_storage_uses_a_private_bucket_with_signed_expiring_links(tmp_path):
    result = _production_storage(
        tmp_path,
        LMS_MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="lms-media",
        AWS_S3_ENDPOINT_URL="https://objects.example.test",
        AWS_S3_REGION_NAME="id-jkt-1",
        AWS_S3_ADDRESSING_STYLE="path",
        AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY="not-a-real-secret",
    )

    assert result.returncode == 0, result.stderr
    storage = json.loads(result.stdout)
    assert storage["class"] == "lms.core.storage.S3MediaStorage"
    assert storage["bucket"] == "lms-media"
    assert storage["endpoint"] == "https://objects.example.test"
    assert storage["querystring_auth"] is True
    assert storage["acl"] is None
    url = storage["url"]
    assert url.startswith("https://objects.example.test/lms-media/impor-pegawai/2026/01/")
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=3600" in url


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"LMS_MEDIA_STORAGE": "ftp"}, "LMS_MEDIA_STORAGE"),
        ({"LMS_MEDIA_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
    ],
)
def test_media_storage_misconfiguration_stops_the_start(tmp_path, extra, message):
    result = _production_storage(tmp_path, **extra)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
