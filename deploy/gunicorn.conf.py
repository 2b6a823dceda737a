"""gunicorn settings for Newsroom: ``gunicorn -c deploy/gunicorn.conf.py newsroom.wsgi``.

Every value can be overridden from the environment (GUNICORN_WORKERS, ...).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers suit Django's ORM; two per core plus one is gunicorn's usual advice.
# GUNICORN_WORKER_CLASS=gthread (with GUNICORN_THREADS) keeps connections from nginx open
# between requests instead; see docs/deploy.md.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound. Not often: a
# restart costs about a second of loading and warming up, and a busy worker serving cached
# pages reaches 2,000 requests in a second or two (100,000 take a minute or more).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 100_000))
max_requests_jitter = max_requests // 10
# nginx in front logs every request (and answers most of them from its own cache), so
# gunicorn logs none unless GUNICORN_ACCESS_LOG names a file ("-": standard output).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
