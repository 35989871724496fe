# One image for every process of the LMS: the web nodes (the default command), the Celery
# workers, Celery beat and the one-shot migrate job. compose.yaml and docs/deploy.md say how.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=lms.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/app/var/media

# What WeasyPrint needs to render the certificate PDFs (the same packages the README lists for
# `make run`), plus fonts, since the slim image has none.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --home-dir /home/lms --uid 10001 --user-group --shell /usr/sbin/nologin lms

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image and served by whitenoise. Production settings
# demand a secret key and allowed hosts at import, so the build passes throwaway values: a key
# drawn at random for this step only (a fixed one would be public, and production refuses every
# key published in the repository); the memory broker and a SQLite file in /tmp keep the build
# from creating anything under var/.
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    CELERY_BROKER_URL=memory:// \
    LMS_MEDIA_STORAGE=filesystem \
    python manage.py collectstatic --noinput \
    && rm -f /tmp/collectstatic.sqlite3 \
    && mkdir -p /app/var/media /app/var/signing \
    && chown -R lms:lms /app/var \
    && chmod 700 /app/var/signing

USER lms

EXPOSE 8000

# The web node, exactly as the README's "Deploying to production" says.
# Workers: 2 x CPUs + 1 (lms/gunicorn.py), or WEB_CONCURRENCY.
CMD ["gunicorn", "-c", "python:lms.gunicorn", "lms.wsgi", "--bind", "0.0.0.0:8000"]
