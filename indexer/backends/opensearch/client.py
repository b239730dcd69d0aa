"""Where the cluster is, how to talk to it, and what its errors mean.

A location is ``opensearch+http://HOST:9200/PREFIX`` (``https``, several
``HOST:PORT`` separated by commas, ``USER:PASSWORD@`` allowed). ``PREFIX``
names the jiansuo index in the cluster: aliases ``PREFIX-passages``,
``PREFIX-articles`` and ``PREFIX-glossary`` point at one generation of
indices (``PREFIX-passages-g<time>`` …), and ``PREFIX-lock`` says who writes.

Every request goes through :func:`translated`, which turns the client's
exceptions into one-line :class:`~indexer.errors.IndexStateError`\\ s that say
what to do: an unreachable cluster, refused credentials, a red cluster, a
mapping conflict, a missing index.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from indexer.errors import IndexStateError

SCHEME = "opensearch+"
KINDS = ("passages", "articles", "glossary")
MIN_MAJOR = 2  # the oldest OpenSearch whose query DSL and highlighter jiansuo relies on
TIMEOUT_S = 30  # longest wait for one answer (bulk requests get BULK_TIMEOUT_S)
BULK_TIMEOUT_S = 120
_PREFIX = re.compile(r"[a-z0-9][a-z0-9_.-]{0,100}")

logging.getLogger("opensearch").addHandler(logging.NullHandler())  # failures become our one-line errors


@dataclass(frozen=True)
class Location:
    """A jiansuo index in an OpenSearch cluster: the nodes to talk to and the index prefix."""

    hosts: tuple[str, ...]  # "http://127.0.0.1:9200"
    prefix: str
    user: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> Location:
        """Read ``opensearch+http://HOST:PORT[,HOST:PORT…]/PREFIX``.

        >>> Location.parse("opensearch+http://a:9200,b:9201/lib").hosts
        ('http://a:9200', 'http://b:9201')
        >>> str(Location.parse("opensearch+https://me:secret@a:9200/lib"))
        'opensearch+https://me:***@a:9200/lib'
        """
        if not url.startswith(SCHEME):
            raise IndexStateError(f"{url}: not an OpenSearch location; write opensearch+http://HOST:9200/PREFIX")
        parts = urlsplit(url[len(SCHEME):])
        netloc = parts.netloc
        user = password = None
        if "@" in netloc:
            cred, netloc = netloc.rsplit("@", 1)
            user, _, password = cred.partition(":")
            user, password = unquote(user), unquote(password)
        prefix = parts.path.strip("/")
        if parts.scheme not in ("http", "https") or not netloc:
            raise IndexStateError(f"{url}: write opensearch+http://HOST:9200/PREFIX (or opensearch+https://…)")
        if not _PREFIX.fullmatch(prefix):
            raise IndexStateError(f"{url}: the index prefix {prefix!r} must be lower-case letters, digits, "
                                  "'-', '_' or '.', e.g. opensearch+http://HOST:9200/jiansuo")
        hosts = tuple(f"{parts.scheme}://{h.strip()}" for h in netloc.split(",") if h.strip())
        return cls(hosts, prefix, user, password)

    def __str__(self) -> str:
        cred = f"{self.user}:***@" if self.user else ""
        scheme = self.hosts[0].split("://")[0]
        nodes = ",".join(h.split("://", 1)[1] for h in self.hosts)
        return f"{SCHEME}{scheme}://{cred}{nodes}/{self.prefix}"

    def alias(self, kind: str) -> str:
        """Return the alias searches and updates go through (``kind`` in KINDS)."""
        return f"{self.prefix}-{kind}"

    def concrete(self, kind: str, generation: str) -> str:
        """Return the name of one generation's index."""
        return f"{self.prefix}-{kind}-{generation}"

    @property
    def lock(self) -> str:
        return f"{self.prefix}-lock"


def connect(loc: Location, pool: int = 16):
    """Return a client that spreads requests over the location's nodes and retries another on failure."""
    try:
        from opensearchpy import OpenSearch
    except ImportError:
        raise IndexStateError("the OpenSearch backend needs the opensearch-py package: "
                              "pip install 'jiansuo[opensearch]'") from None

    auth = (loc.user, loc.password or "") if loc.user else None
    return OpenSearch(list(loc.hosts), http_auth=auth, timeout=TIMEOUT_S, max_retries=2, retry_on_timeout=True,
                      pool_maxsize=pool)


def reason(err) -> str:
    """Return the server's reason for a failed request, on one line."""
    info = getattr(err, "info", None)
    text = None
    if isinstance(info, dict) and isinstance(info.get("error"), dict):
        e = info["error"]
        cause = (e.get("root_cause") or [e])[0]
        text = f"{cause.get('type', '')}: {cause.get('reason', '')}"
        caused = e.get("caused_by")
        if caused and caused.get("reason") and caused.get("reason") not in text:
            text += f" ({caused.get('reason')})"
    elif isinstance(info, dict) and info.get("error"):
        text = str(info["error"])
    text = text or str(getattr(err, "error", "") or err)
    return " ".join(text.split())[:400]


def red_cluster(loc: Location, detail: str) -> IndexStateError:
    return IndexStateError(f"{loc}: the cluster is red ({detail}); start the nodes that hold "
                           "the missing shards, or restore the index, then try again")


@contextmanager
def translated(loc: Location):
    """Turn the client's exceptions raised in the block into one-line IndexStateErrors."""
    from opensearchpy import exceptions as ex

    nodes = ", ".join(loc.hosts)
    try:
        yield
    except ex.ConnectionError as err:
        why = " ".join(str(getattr(err, "error", "") or err).split())[:200]
        raise IndexStateError(f"cannot reach OpenSearch at {nodes} ({why}); start the cluster "
                              "or fix the address given to --backend") from None
    except (ex.AuthenticationException, ex.AuthorizationException) as err:
        raise IndexStateError(f"OpenSearch at {nodes} refused the request ({err.status_code}: {reason(err)}); "
                              "put a user allowed to use the index in the backend address, "
                              "opensearch+https://USER:PASSWORD@HOST:9200/PREFIX") from None
    except ex.NotFoundError as err:
        if "index_not_found" in reason(err) or "no such index" in reason(err):
            raise IndexStateError(f"{loc}: no index there yet; run `jiansuo index --backend {loc}` first") from None
        raise IndexStateError(f"{loc}: not found: {reason(err)}") from None
    except ex.TransportError as err:
        why = reason(err)
        if any(k in why for k in ("no_shard_available", "all shards failed", "unavailable_shards",
                                  "NoShardAvailable", "primary shard is not active")):
            raise red_cluster(loc, why) from None
        if any(k in why for k in ("mapper_parsing", "strict_dynamic_mapping", "illegal_argument_exception: mapper",
                                  "resource_already_exists")):
            raise IndexStateError(f"{loc}: mapping conflict ({why}); the index was not made by this version "
                                  "of jiansuo: choose another PREFIX or delete the old indices") from None
        raise IndexStateError(f"{loc}: OpenSearch answered {err.status_code}: {why}") from None


def check_server(client, loc: Location) -> str:
    """Return the server's version; IndexStateError if it is not OpenSearch 2 or later, or the index is red."""
    with translated(loc):
        info = client.info(request_timeout=10)
        version = info.get("version", {})
        number, distribution = str(version.get("number", "?")), version.get("distribution")
        if distribution != "opensearch":
            raise IndexStateError(f"{loc}: the server is Elasticsearch {number}, not OpenSearch; jiansuo needs "
                                  f"OpenSearch {MIN_MAJOR} or later")
        major = int(re.match(r"\d*", number).group() or 0)
        if major < MIN_MAJOR:
            raise IndexStateError(f"{loc}: OpenSearch {number} is too old; jiansuo needs OpenSearch "
                                  f"{MIN_MAJOR} or later (upgrade the cluster)")
        health = client.cluster.health(index=f"{loc.prefix}-*")
        if health.get("status") == "red":
            raise red_cluster(loc, f"{health.get('unassigned_shards', '?')} unassigned shard(s), "
                                   f"{health.get('active_shards_percent_as_number', '?')}% active")
    return number


def scan(client, index: str, query: dict, sort: list, source, page: int = 1000):
    """Yield every hit of ``query`` in ``sort`` order (a unique order), ``page`` hits per request (search_after)."""
    after = None
    while True:
        body = {"query": query, "sort": sort, "size": page, "_source": source, "track_total_hits": False}
        if after is not None:
            body["search_after"] = after
        hits = client.search(index=index, body=body, allow_partial_search_results=False)["hits"]["hits"]
        yield from hits
        if len(hits) < page:
            return
        after = hits[-1]["sort"]
