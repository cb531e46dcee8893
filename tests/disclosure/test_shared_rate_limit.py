"""The public correction form's rate limit (5 an hour per address, IMD-11) holds across several app servers: with
``LAWTRACE_REDIS_URL`` set, the counter lives in Redis, so posts counted by one server count on another.

"Server A" is this process (the Django test client); "server B" is a separate Python process started with the same
``LAWTRACE_REDIS_URL`` and key prefix, which counts two posts from the same address through django-ratelimit exactly
as the view does. Each test uses its own key prefix and deletes its keys. Redis runs on 127.0.0.1:6379 here and in
CI; without it the test is skipped — unless ``CI=true``, where it fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from lawtrace.disclosure import services
from lawtrace.disclosure.models import CorrectionRequest, Item
from lawtrace.disclosure.public_views import CORRECTION_RATE
from tests.disclosure.helpers import company_case, decided, setting

pytestmark = pytest.mark.django_db

REDIS_URL = (
    os.environ.get("LAWTRACE_TEST_REDIS_URL")
    or os.environ.get("LAWTRACE_REDIS_URL")
    or os.environ.get("REDIS_URL")
    or "redis://127.0.0.1:6379/15"
)
ADDRESS = "203.0.113.7"  # one member of the public (TEST-NET-3)
GROUP = "disclosure.correction"


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own in a reachable Redis; its keys are deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as e:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} is unreachable, and CI=true requires it: {e}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable ({e}); set CI=true to make this a failure")
    prefix = f"lawtrace-test-{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
        client.close()


def _redis_cache(prefix: str) -> dict[str, Any]:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }


SERVER_B = textwrap.dedent(
    """
    import django, json, sys
    django.setup()
    from django.conf import settings
    from django.test import RequestFactory
    from django_ratelimit.core import is_ratelimited
    group, rate, address = sys.argv[1:4]
    limited = []
    for _ in range(2):
        request = RequestFactory().post("/gongshi/items/1/correction/", REMOTE_ADDR=address)
        limited.append(is_ratelimited(request, group=group, key="ip", rate=rate, method="POST", increment=True))
    print(json.dumps({"backend": settings.CACHES["default"]["BACKEND"], "limited": limited}))
    """
)


def _server_b(prefix: str, tmp_path: Path) -> dict[str, Any]:
    """Another app server: its own process, configured from the environment as a deployment would be."""
    import json

    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("LAWTRACE_", "DATABASE_URL", "REDIS_URL", "DJANGO_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "lawtrace.settings",
        "LAWTRACE_VAR_DIR": str(tmp_path / "server-b"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'server-b.sqlite3'}",
        "LAWTRACE_REDIS_URL": REDIS_URL,
        "LAWTRACE_CACHE_PREFIX": prefix,
        "LAWTRACE_LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "-c", SERVER_B, GROUP, CORRECTION_RATE, ADDRESS],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _post(client: Client, item: Item, address: str = ADDRESS) -> int:
    response = client.post(
        f"/gongshi/items/{item.pk}/correction/",
        {"requester": "王某", "contact": "13900001111", "content": "罚款数额有误。"},
        REMOTE_ADDR=address,
    )
    return response.status_code


def test_IMD_11_the_correction_rate_limit_is_counted_in_redis_across_app_servers(
    redis_prefix: str, tmp_path: Path
) -> None:
    import redis

    s = setting()
    item = decided(s, company_case(s))
    services.submit_for_review(actor=s["publisher"], item=item)
    item = services.publish_item(actor=s["publisher"], item=item, redaction_confirmed=True)

    with override_settings(CACHES=_redis_cache(redis_prefix), RATELIMIT_USE_CACHE="default"):
        server_a = Client()
        assert [_post(server_a, item) for _ in range(3)] == [200, 200, 200]

        server_b = _server_b(redis_prefix, tmp_path)  # posts 4 and 5 from the same address, on another server
        assert server_b == {"backend": "django.core.cache.backends.redis.RedisCache", "limited": [False, False]}

        assert _post(server_a, item) == 429  # the 6th in the hour: refused, whichever server it reaches
        assert _post(Client(), item, address="198.51.100.9") == 200  # another address is counted apart

    assert CorrectionRequest.objects.count() == 4  # 3 + the other address; server B's two filed nothing here
    store = redis.Redis.from_url(REDIS_URL)
    counters = {key: int(store.get(key) or 0) for key in store.scan_iter(match=f"{redis_prefix}:*")}
    assert sorted(counters.values()) == [1, 6], counters  # the one address's 6 posts, the other's 1 — in Redis
    store.close()
