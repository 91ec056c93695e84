# dtn-monitor container: build wheels in one stage, run as a non-root user in a slim one.
# Configuration: environment variables (see README) and mounted /app/sources.toml, /app/notifiers/.
# State: the /app/state volume (SQLite, WAL). Stop: SIGTERM, clean within seconds.

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY monitor ./monitor
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DTN_MONITOR_CONFIG=/app/sources.toml \
    DTN_MONITOR_NOTIFIERS=/app/notifiers/channels.toml \
    DTN_MONITOR_TEMPLATES=/app/notifiers/templates \
    DTN_MONITOR_DB=/app/state/dtn-monitor.sqlite3 \
    DTN_MONITOR_HTTP_HOST=0.0.0.0 \
    DTN_MONITOR_HTTP_PORT=8080
RUN groupadd --system --gid 10001 dtn \
 && useradd --system --uid 10001 --gid dtn --home-dir /app --no-create-home --shell /usr/sbin/nologin dtn
WORKDIR /app
COPY --from=build /wheels /wheels
# hadolint ignore=DL3013
RUN pip install --no-cache-dir --no-index --find-links=/wheels dtn-monitor \
 && rm -rf /wheels \
 && mkdir -p /app/state \
 && chown dtn:dtn /app/state
COPY --chown=dtn:dtn sources.toml /app/sources.toml
COPY --chown=dtn:dtn notifiers /app/notifiers
USER 10001:10001
VOLUME ["/app/state"]
EXPOSE 8080
STOPSIGNAL SIGTERM
# ready, not just alive: /readyz fails (503) when the state volume refuses writes or the scheduler stopped
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('DTN_MONITOR_HTTP_PORT', '8080'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/readyz', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["dtn-monitor"]
CMD ["run"]
