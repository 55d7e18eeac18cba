# syntax=docker/dockerfile:1
#
# One image for the whole platform: the four services (profiles, matching, events, notifications)
# and the dev SMTP sink. The command picks what runs:
#
#   docker run IMAGE                                   # profiles (the default CMD)
#   docker run IMAGE python -m matching                # any other service
#   docker run IMAGE python -m devinfra.smtp_sink ...  # the dev SMTP sink (docker-compose.yml)
#
# Why one image: the services share contracts and plumbing and are released together from one
# uv.lock, so one build guarantees they run the same dependency set.

# Stage 1: only what uv reads to resolve the workspace (uv.lock and every pyproject.toml), so the
# dependency layer below is rebuilt when those change, not on every source edit. Found by name,
# not listed, so moving or adding a workspace member needs no change here.
FROM python:3.11-slim AS workspace-manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name pyproject.toml ! -name uv.lock -delete \
 && find . -type d -empty -delete

# Stage 2: the image.
FROM python:3.11-slim

# Pinned to the uv that wrote uv.lock, so `--frozen` reads it the same way; bump both together.
ARG UV_VERSION=0.13.9

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv

RUN pip install "uv==${UV_VERSION}"

# A fixed numeric UID/GID: Kubernetes' runAsNonRoot can only verify a numeric USER
# (deploy/k8s/*.yaml set runAsUser to the same 10001).
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app

WORKDIR /app

# Third-party dependencies first, in their own layer.
COPY --from=workspace-manifests /src/ ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --all-packages --no-dev --no-install-workspace

# Then the workspace itself. Workspace packages stay editable installs on purpose: some code
# finds files next to its package (contracts' JSON Schemas under contracts/schemas).
# `--all-packages` also installs deploy/local (devinfra) for the compose SMTP sink.
# The sources are compiled once here: at run time the app user cannot write .pyc files.
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --all-packages --no-dev \
 && python -m compileall -q -x '/[.]venv/' /app

# Everything stays owned by root and read-only to the app user: the services write nothing to disk,
# except matching's solver, which numba compiles on first use and caches where it can write: /tmp (an emptyDir
# in Kubernetes). Without a writable cache directory, importing it fails.
USER 10001:10001

ENV PATH=/app/.venv/bin:$PATH \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8000 \
    NUMBA_CACHE_DIR=/tmp/numba-cache

EXPOSE 8000

# Liveness only (/healthz): readiness (/readyz) depends on PostgreSQL (Kafka does not gate it: what a
# request commits waits in the outbox), which is the orchestrator's business (compose healthchecks,
# Kubernetes probes), not a reason to restart.
# No curl in the slim image, hence urllib; a non-2xx answer raises, so the check fails.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HTTP_PORT', '8000'), timeout=4)"]

CMD ["python", "-m", "profiles"]
