"""Start real OpenSearch nodes for the tests and benchmarks, from Maven Central jars.

No package ships an OpenSearch server, so the node is assembled here: Maven
fetches the server and the two modules jiansuo needs (``tests/opensearch/pom.xml``)
into a cache folder once, ``javac`` compiles the small ``JiansuoNode`` main class,
and each node runs as its own JVM on free 127.0.0.1 ports. A node lives as long as
the pipe to its standard input: closing it (or the death of the Python process)
shuts the node down.

    with start_node(tmp_path / "node") as node:          # a single-node cluster
        print(node.url)                                  # http://127.0.0.1:PORT
    with start_cluster(tmp_path / "cluster", 2) as cluster:
        cluster.nodes[1].kill()                          # lose a node on purpose

The jars land in ``$JIANSUO_OPENSEARCH_CACHE`` (default
``~/.cache/jiansuo/opensearch-VERSION``); CI keeps that folder between runs.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

OPENSEARCH_VERSION = "2.19.6"
HERE = Path(__file__).resolve().parent / "opensearch"
POM = HERE / "pom.xml"
MAIN = HERE / "JiansuoNode.java"
HEAP = ("-Xms256m", "-Xmx512m")
LOG4J = """\
status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{HH:mm:ss,SSS}][%-5p][%c{1.}] %marker%m%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
"""


class NodeError(RuntimeError):
    """A node could not be prepared or started; the message ends with its log."""


def java() -> str | None:
    """Return the ``java`` to run nodes with (``$JAVA_HOME`` first), or None if there is none."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def cache_dir() -> Path:
    """Return the folder holding the node's jars and compiled main class."""
    default = Path.home() / ".cache" / "jiansuo" / f"opensearch-{OPENSEARCH_VERSION}"
    return Path(os.environ.get("JIANSUO_OPENSEARCH_CACHE") or default)


def _digest(*paths: Path) -> str:
    h = hashlib.sha256(OPENSEARCH_VERSION.encode())
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _run(cmd: list[str], what: str) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise NodeError(f"{what} failed ({' '.join(cmd[:3])} …):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")


def classpath() -> str:
    """Fetch the jars (once) and compile the main class (once); return the class path."""
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    lib = cache / f"lib-{_digest(POM)}"
    classes = cache / f"classes-{_digest(POM, MAIN)}"
    with open(cache / ".lock", "w") as lock:  # one preparer at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not lib.exists():
            mvn = shutil.which("mvn")
            if mvn is None:
                raise NodeError("Maven (mvn) is needed once to fetch the OpenSearch jars; install it")
            tmp = cache / "lib.tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            _run([mvn, "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
                  f"-Dopensearch.version={OPENSEARCH_VERSION}", f"-DoutputDirectory={tmp}"], "fetching the jars")
            tmp.rename(lib)
        if not classes.exists():
            tmp = cache / "classes.tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir()
            javac = Path(java() or "java").with_name("javac")
            _run([str(javac) if javac.exists() else "javac", "-d", str(tmp), "-cp", f"{lib}/*", str(MAIN)],
                 "compiling JiansuoNode")
            tmp.rename(classes)
    return f"{classes}{os.pathsep}{lib}/*"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str, timeout: float = 5.0) -> dict:
    """GET ``url`` and decode its JSON body."""
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read())


def delete(url: str, indices: str) -> None:
    """Delete ``indices`` (wildcards allowed) on the cluster at ``url``; missing ones are ignored."""
    req = urllib.request.Request(f"{url}/{indices}?ignore_unavailable=true&expand_wildcards=all", method="DELETE")
    try:
        urllib.request.urlopen(req, timeout=60).close()
    except (OSError, urllib.error.URLError):
        pass  # the node is gone: nothing left to clean


@dataclass
class Node:
    """One OpenSearch JVM; :meth:`start` it, then :meth:`stop` (clean) or :meth:`kill` (a crash)."""

    home: Path
    name: str = "node-1"
    cluster: str = "jiansuo-test"
    http_port: int = field(default_factory=free_port)
    transport_port: int = field(default_factory=free_port)
    seeds: list[int] = field(default_factory=list)  # transport ports of the cluster's nodes
    managers: list[str] = field(default_factory=list)  # names of the initial cluster managers
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def log(self) -> Path:
        return self.home / "node.log"

    def settings(self) -> dict[str, str]:
        s = {
            "cluster.name": self.cluster, "node.name": self.name,
            "path.home": str(self.home), "path.data": str(self.home / "data"), "path.logs": str(self.home / "logs"),
            "network.host": "127.0.0.1", "http.port": str(self.http_port),
            "transport.port": str(self.transport_port),
            "cluster.routing.allocation.disk.threshold_enabled": "false",
            "action.auto_create_index": "false",
        }
        if self.seeds:
            s["discovery.seed_hosts"] = ",".join(f"127.0.0.1:{p}" for p in self.seeds)
            s["cluster.initial_cluster_manager_nodes"] = ",".join(self.managers)
        else:
            s["discovery.type"] = "single-node"
        return s

    def start(self, cp: str | None = None) -> Node:
        """Launch the JVM (returns at once; :meth:`wait` for it to answer)."""
        exe = java()
        if exe is None:
            raise NodeError("no java on PATH or in $JAVA_HOME; install Java 17 to run an OpenSearch node")
        cp = cp or classpath()
        (self.home / "config").mkdir(parents=True, exist_ok=True)
        (self.home / "config" / "log4j2.properties").write_text(LOG4J, "utf-8")
        cmd = [exe, *HEAP, "-XX:+UseSerialGC", "-Xss1m", "-Dfile.encoding=UTF-8",
               "-Djava.io.tmpdir=" + str(self.home), "-Dlog4j2.disable.jmx=true",
               "-cp", cp, "JiansuoNode", *[f"{k}={v}" for k, v in self.settings().items()]]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
                                         cwd=self.home)
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait(self, timeout: float = 120.0) -> Node:
        """Wait until the node answers HTTP; NodeError with its log if it dies or times out."""
        deadline = time.monotonic() + timeout
        while True:
            if not self.alive():
                raise NodeError(f"OpenSearch node {self.name} exited:\n{self.tail()}")
            try:
                get_json(self.url, timeout=2)
                return self
            except (OSError, urllib.error.URLError, ValueError):
                if time.monotonic() > deadline:
                    raise NodeError(f"OpenSearch node {self.name} did not answer in {timeout:.0f} s:\n"
                                    f"{self.tail()}") from None
                time.sleep(0.25)

    def tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text("utf-8", "replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 30.0) -> None:
        """Shut the node down cleanly (close its standard input), killing it after ``timeout``."""
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        self.proc = None

    def kill(self) -> None:
        """Kill the JVM at once, as a crash or a pulled cable would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        if self.proc is not None:
            self.proc.stdin.close()


@dataclass
class Cluster:
    """Nodes that discovered each other; ``urls`` lists every node's HTTP address."""

    nodes: list[Node]

    @property
    def urls(self) -> list[str]:
        return [n.url for n in self.nodes]

    def health(self, node: int = 0, **params) -> dict:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return get_json(f"{self.nodes[node].url}/_cluster/health?{query}", timeout=60)

    def stop(self) -> None:
        for n in self.nodes:
            n.stop()


@contextmanager
def start_node(home: Path, timeout: float = 120.0):
    """Run a single-node cluster in ``home``; yield its :class:`Node`, stop it afterwards."""
    node = Node(Path(home))
    try:
        yield node.start().wait(timeout)
    finally:
        node.stop()


@contextmanager
def start_cluster(home: Path, size: int = 2, timeout: float = 180.0):
    """Run ``size`` cluster-manager-eligible data nodes that form one cluster; yield the :class:`Cluster`."""
    names = [f"node-{i + 1}" for i in range(size)]
    ports = [free_port() for _ in names]
    nodes = [Node(Path(home) / name, name, "jiansuo-cluster", seeds=ports, managers=names, transport_port=port)
             for name, port in zip(names, ports)]
    cluster = Cluster(nodes)
    try:
        cp = classpath()
        for n in nodes:
            n.start(cp)
        for n in nodes:
            n.wait(timeout)
        health = cluster.health(wait_for_nodes=str(size), timeout=f"{int(timeout)}s")
        if health.get("number_of_nodes") != size:
            raise NodeError(f"the cluster did not form: {health}\n{nodes[-1].tail()}")
        yield cluster
    finally:
        cluster.stop()


def main() -> None:
    """Run a single-node OpenSearch in a temporary folder until interrupted (to try the backend by hand)."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m tests.opensearch_node", description=main.__doc__)
    parser.add_argument("--nodes", type=int, default=1, help="Nodes in the cluster.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = start_node(Path(tmp)) if args.nodes == 1 else start_cluster(Path(tmp), args.nodes)
        with started as running:
            urls = running.urls if isinstance(running, Cluster) else [running.url]
            hosts = ",".join(u.split("://", 1)[1] for u in urls)
            print(f"OpenSearch {OPENSEARCH_VERSION} at {', '.join(urls)}; try "
                  f"jiansuo index --backend opensearch+http://{hosts}/jiansuo  (Ctrl-C stops it)", flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass


if __name__ == "__main__":
    main()
