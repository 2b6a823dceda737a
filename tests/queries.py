from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url, **params):
    """Queries of one page in steady state.

    A first request warms per-process caches (such as the next scheduled change), so
    the count is what every later reader costs.
    """
    client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(queries)
