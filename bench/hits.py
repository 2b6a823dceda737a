"""CPU time of a page-cache hit, in process: what a cached page costs the app server.

    NEWSROOM_SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python bench/hits.py

Run bench/generate.py on the same database first. Sends requests for the home, section
and story pages straight to the WSGI application gunicorn runs (``newsroom.wsgi``), with
the page cache on (local memory) and the page already in it, and prints the CPU time
(``time.process_time``, which other work on the machine barely changes) of one hit:
answered in front of Django (``CachedPagesFirst``), and through Django's handler and
the middleware alone, for comparison. The server's own work (reading the request,
writing the answer, the connection) is not included: see bench/throughput.sh.
"""

import argparse
import io
import os
import sys
import time

os.environ.setdefault("NEWSROOM_PAGE_CACHE_SECONDS", "300")

from common import refuse_real_database  # sets Django up, with the setting above
from pages import targets

import newsroom.wsgi

ROUNDS = 5
HOST = "127.0.0.1"


def environ(url: str) -> dict:
    """A request as gunicorn hands it to the application: no cookie, plain HTTP."""
    path, _, query = url.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": HOST,
        "HTTP_USER_AGENT": "bench",
        "REMOTE_ADDR": HOST,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }


def microseconds_per_hit(application, url: str, requests: int) -> float:
    """The least CPU time of one hit over ``ROUNDS`` rounds."""
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["headers"] = headers

    for _n in range(2):  # the first fills the cache
        b"".join(application(environ(url), start_response))
    if ("X-Cache", "hit") not in answer["headers"]:
        sys.exit(f"{url} is not answered from the page cache: {answer['headers']}")
    rounds = []
    for _round in range(ROUNDS):
        started = time.process_time()
        for _n in range(requests):
            b"".join(application(environ(url), start_response))
        rounds.append((time.process_time() - started) / requests * 1e6)
    return min(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="Hits per round and page.")
    args = parser.parse_args()

    refuse_real_database()
    pages = targets()
    front = newsroom.wsgi.application
    django_only = newsroom.wsgi.django_application
    print(f"CPU µs per hit, the least of {ROUNDS} rounds of {args.requests:,}")
    print(f"{'page':10} {'in front of Django':>20} {'through Django':>16}")
    for key in ("home", "section", "story"):
        label, url = pages[key]
        in_front = microseconds_per_hit(front, url, args.requests)
        through = microseconds_per_hit(django_only, url, args.requests)
        print(f"{label:10} {in_front:20.1f} {through:16.1f}")


if __name__ == "__main__":
    main()
