"""The production server: waitress, with our security headers on its own error responses too.

Waitress answers some requests itself (a malformed request line, headers
too large, an application that fails): those responses get the same
security headers as every page. Binding happens before anything is
announced, so a port in use is a one-line error, and port 0 reports the
port the system chose.
"""

from __future__ import annotations

import errno
import logging

import waitress
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from indexer.errors import JiansuoError
from web.hooks import HEADERS


class _SecureErrorTask(ErrorTask):
    def execute(self):
        self.response_headers.extend(HEADERS.items())
        super().execute()


class _SecureChannel(HTTPChannel):
    error_task_class = _SecureErrorTask


def make_server(app, host: str, port: int, threads: int):
    """Bind ``host:port`` and return a waitress server for ``app`` (call ``.run()``)."""
    # A burst of requests beyond --threads just waits in the queue; that is not worth a warning.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    try:
        server = waitress.create_server(app, host=host, port=port, threads=threads, ident="jiansuo")
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            raise JiansuoError(f"port {port} on {host} is already in use; choose another with --port "
                               "(--port 0 picks a free one)") from None
        if err.errno in (errno.EADDRNOTAVAIL, errno.EACCES):
            raise JiansuoError(f"cannot listen on {host}:{port} ({err.strerror}); check --host and --port") from None
        raise
    server.channel_class = _SecureChannel
    return server


def bound_port(server) -> int:
    """Return the port the server listens on (the chosen one for --port 0)."""
    return server.effective_port
