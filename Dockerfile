# One image for every Candor process: web (gunicorn), Celery worker and beat.
# docker-compose.yml runs it three times with different commands.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    CANDOR_VAR_DIR=/app/var \
    WEB_CONCURRENCY=3

WORKDIR /app

# A home of its own: gunicorn puts its control socket in ~/.gunicorn, and /app
# stays read-only for the user that runs the code (only /app/var is writable).
RUN groupadd --system candor \
 && useradd --system --gid candor --create-home --home-dir /home/candor \
      --shell /usr/sbin/nologin candor

# Dependencies first, read from pyproject.toml alone, so that a code change
# does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# Then the project itself. Editable, because settings find templates, static
# files and translations next to config/ (BASE_DIR): the code must stay in /app
# rather than be copied into site-packages.
COPY . .
RUN pip install --no-deps -e .

# Static files are collected into the image and served by WhiteNoise. The key
# below exists only for this step (production settings refuse to load without
# a long one); the real SECRET_KEY comes from the environment at run time.
RUN DEBUG=false \
    SECRET_KEY=build-time-only-collectstatic-key-not-used-at-run-time-0123456789 \
    python manage.py collectstatic --noinput \
 && rm -rf /app/var && mkdir /app/var && chown candor:candor /app/var

USER candor

EXPOSE 8000

# Everything else (bind, workers from WEB_CONCURRENCY, timeout, the logger that
# redacts status-page tokens) is in the one configuration file.
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
