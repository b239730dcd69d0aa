"""`jiansuo serve`: binding errors in one line, port 0, and security headers on the server's own responses."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, free_port, running_server
from web.hooks import HEADERS


def raw(port: int, request: bytes) -> tuple[str, dict[str, str]]:
    """Send raw bytes; return the status line and headers of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    return head[0], {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in head[1:])}


@pytest.mark.parametrize("request_bytes, status", [
    (b"NOT A REQUEST\r\n\r\n", "400"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n", "431"),
], ids=["malformed", "headers too large"])
def test_the_servers_own_error_responses_carry_the_security_headers(seed_index, tmp_path, request_bytes, status):
    with running_server(seed_index, tmp_path / "log") as (base, _proc):
        port = int(base.rsplit(":", 1)[1])
        line, headers = raw(port, request_bytes)
        assert line.split()[1] == status, line
        for name, value in HEADERS.items():
            assert headers.get(name) == value, (name, headers)


def test_a_port_in_use_is_one_line_before_anything_is_served(seed_index):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = subprocess.run([sys.executable, "-m", "indexer", "serve", "--index", str(seed_index), "--port", str(port)],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert out.stderr == (f"Error: port {port} on 127.0.0.1 is already in use; choose another with --port "
                          "(--port 0 picks a free one)\n")


def test_port_zero_prints_the_port_chosen(seed_index):
    proc = subprocess.Popen([sys.executable, "-m", "indexer", "serve", "--index", str(seed_index), "--port", "0"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        m = re.fullmatch(rf"Serving {re.escape(str(seed_index))} on http://127\.0\.0\.1:(\d+)/\n", line)
        assert m, line
        port = int(m.group(1))
        assert port != 0
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _ = raw(port, b"GET /api/articles HTTP/1.0\r\n\r\n")
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert status.split()[1] == "200"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stderr.close()
