"""Servers the tests start on the loopback: a free port, and Debian's nginx."""

import contextlib
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def installed(program: str) -> str:
    """Where Debian's ``program`` is. Without it the test skips, or fails where
    NEWSROOM_REQUIRE_NGINX=1: .ci/run installs nginx and openssl, and sets it."""
    path = shutil.which(program)
    if path is None:
        reason = f"{program} is not installed (Debian's {program} package)"
        if os.environ.get("NEWSROOM_REQUIRE_NGINX") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_bytes(url: str, headers: dict | None = None, context: ssl.SSLContext | None = None):
    """Status, headers and body of a GET, whatever the status."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5, context=context) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def get(url: str, headers: dict | None = None, context: ssl.SSLContext | None = None):
    """Status, headers and text of a GET, whatever the status."""
    status, headers, body = get_bytes(url, headers, context)
    return status, headers, body.decode()


@contextlib.contextmanager
def nginx(folder: Path, http: str, port: int):
    """Run nginx with ``http`` inside its ``http { }``, its files in ``folder``, until
    the block ends; returns once it accepts connections on ``port``."""
    command = installed("nginx")
    folder.chmod(0o755)  # nginx's workers may run as another user
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{http}
}}
"""
    )
    process = subprocess.Popen(
        [command, "-c", str(config), "-p", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()
                time.sleep(0.05)
        else:
            raise AssertionError(f"nginx did not listen on port {port}")
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)
