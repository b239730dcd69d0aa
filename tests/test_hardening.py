"""Whatever the files and whenever the indexer dies, the index survives and stays searchable.

Bad files go through the real command line; crashes are real SIGKILLs of a
running indexer at random (seeded) moments; concurrent searches run from the
library, the web app and the command line while another process re-indexes.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.index.build import build_index
from indexer.index.store import Store
from indexer.cli import main as cli
from indexer.backends import open_backend
from tests.conftest import A000, A003, ROOT, SEED_000, SEED_003

SEED_IDS = (A000, A003)
PROBES = ("俄羅斯", "蒲亭", "拜登", "Putin", '"美俄關係"', "title:拜登", "source:state.gov",
          "year:2007", "section:前言", "蘇聯 -拜登")
CRASH_SEED = int(os.environ.get("JIANSUO_CRASH_SEED", "20240607"))
CRASH_TRIALS = int(os.environ.get("JIANSUO_CRASH_TRIALS", "20"))
BIG_MB = float(os.environ.get("JIANSUO_BIG_MB", "0") or 0)


# ---------------------------------------------------------------- helpers


def jiansuo(*args: str, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    """Run the real command line in a new process."""
    return subprocess.run([sys.executable, "-m", "indexer", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, **kw)


def seed_state(index_dir: Path) -> dict:
    """Return every seed passage each probe finds, and the seeds' stored articles."""
    state: dict = {}
    with open_backend(index_dir) as s:
        for q in PROBES:
            found, page = [], 1
            while True:
                r = s.search(q, limit=100, page=page, expand=False)
                assert r.error is None, (q, r.error)
                found += [(h.article, h.passage) for h in r.hits if h.article in SEED_IDS]
                if page * 100 >= r.total:
                    break
                page += 1
            state[q] = sorted(found)
        state["articles"] = {a: s.article(a).to_dict() for a in SEED_IDS}
    return state


@pytest.fixture(scope="module")
def seed_state_expected(tmp_path_factory) -> dict:
    ix = tmp_path_factory.mktemp("expected") / "ix"
    assert build_index([SEED_000.parent], ix).ok
    state = seed_state(ix)
    assert all(state[q] for q in PROBES), "every probe finds seed passages"
    return state


# ---------------------------------------------------------------- bad files


def cut_inside_character(data: bytes, near: int) -> bytes:
    """Return ``data`` cut in the middle of a multi-byte UTF-8 character after offset ``near``."""
    i = near
    while data[i] < 0xC0:  # find a lead byte
        i += 1
    return data[: i + 1]


SEED_003_BYTES = SEED_003.read_bytes()
BROKEN_NOTES = """# 斷裂註腳測試

## 一、前言

正文提到石油<sup>1</sup>與天然氣[^2]，以及沒有定義的註<sup>9</sup>。

---

<sup>1</sup> 第一個註。

[^3]: 沒有被引用的註。

<sup>1</sup> 重複定義的註。
"""
PROSE = ("Notes taken after the seminar on energy politics and pipelines.\n"
         "We talked about gas prices for a long time and then went home.\n\n"
         "Nobody wrote down the date.\n")

# name -> (bytes, "error" | "warning" | "ok", what the one-line message says)
BAD_FILES = {
    "zero.txt": (b"", "error", "file is empty (0 bytes)"),
    "blank.txt": (b" \n\t\n\r\n", "error", "only white space"),
    "noise.txt": (random.Random(7).randbytes(4096), "error", "looks binary"),
    "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "error", "is a PNG image"),
    "scan.txt": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "error", "damaged PDF"),
    "mixed.txt": (SEED_003_BYTES[:3000] + "美俄關係的未來".encode("cp950") * 40, "error",
                  "mixed encodings"),
    "truncated.txt": (cut_inside_character(SEED_003_BYTES, 5000), "warning",
                      "dropped an incomplete UTF-8 character"),
    "one_bad_byte.txt": (SEED_003_BYTES.replace(b"\n", b"\n\xff", 1), "warning",
                         "replaced 1 invalid UTF-8 bytes"),
    "prose.txt": (PROSE.encode(), "warning", "no structure"),
    "notes.md": (BROKEN_NOTES.encode(), "warning", "note"),
    "gb.txt": (SEED_000.read_text("utf-8").encode("gb18030"), "ok", ""),
    "utf16.txt": (SEED_003.read_text("utf-8").encode("utf-16-le"), "ok", ""),
}


def write_bad_files(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    for name, (data, _, _) in BAD_FILES.items():
        (folder / name).write_bytes(data)


def messages(stderr: str) -> dict[str, list[str]]:
    """Return the error/warning lines of an index run by file name."""
    out: dict[str, list[str]] = {}
    for line in stderr.splitlines():
        if m := re.match(r"(error|warning): (\S+?): ", line):
            out.setdefault(Path(m.group(2)).name, []).append(line)
    return out


def test_bad_files_are_named_skipped_and_lose_nothing(seeds_copy, tmp_path, seed_state_expected):
    ix = tmp_path / "ix"
    runner = CliRunner()
    first = runner.invoke(cli, ["index", str(seeds_copy), "--index", str(ix)])
    assert first.exit_code == 0, first.output
    assert seed_state(ix) == seed_state_expected

    bad = tmp_path / "incoming"
    write_bad_files(bad)
    result = runner.invoke(cli, ["index", str(bad), "--index", str(ix)])
    assert result.exit_code == 1, result.output
    found = messages(result.stderr)
    for name, (_, outcome, says) in BAD_FILES.items():
        lines = found.get(name, [])
        if outcome == "ok":
            assert lines == [], lines
            continue
        assert lines and all(ln.startswith(f"{outcome}: ") for ln in lines), (name, lines)
        assert any(says in ln for ln in lines), (name, lines)
        assert all(str(bad / name) in ln for ln in lines), lines
    assert re.search(r"^6 added, 0 updated, 0 removed, 0 unchanged, 6 failed in ", result.stderr, re.M)

    with open_backend(ix) as s:
        ids = s.article_ids()
        assert ids == sorted([*SEED_IDS, "gb", "notes", "one_bad_byte", "prose", "truncated", "utf16"])
        assert s.cards()["prose"]["title"] == "prose"  # a long first line is no title
        assert s.search("pipelines").hits[0].article == "prose"
        assert s.search('"天然氣"').hits[0].article == "notes"
        gb = s.search('"強勢外交"', limit=100)
        assert {h.article for h in gb.hits} == {A000, "gb"}
        assert s.search("zero OR noise OR scan").total == 0
    # The seeds' passages and stored articles are exactly as before.
    assert seed_state(ix) == seed_state_expected

    again = runner.invoke(cli, ["index", str(bad), "--index", str(ix)])
    assert again.exit_code == 1 and "0 added, 0 updated, 0 removed, 6 unchanged, 6 failed" in again.stderr


def test_only_warnings_exit_zero(tmp_path):
    folder = tmp_path / "warn"
    folder.mkdir()
    (folder / "prose.txt").write_text(PROSE, "utf-8")
    (folder / "notes.md").write_text(BROKEN_NOTES, "utf-8")
    result = CliRunner().invoke(cli, ["index", str(folder), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert set(messages(result.stderr)) == {"prose.txt", "notes.md"}
    assert "2 added, 0 updated, 0 removed, 0 unchanged, 0 failed" in result.stderr


def test_broken_footnotes_say_what_is_broken(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "notes.md").write_text(BROKEN_NOTES, "utf-8")
    result = CliRunner().invoke(cli, ["index", str(folder), "--index", str(tmp_path / "ix")])
    lines = messages(result.stderr)["notes.md"]
    assert all("\n" not in ln for ln in lines)
    assert lines == [f"warning: {folder / 'notes.md'}: note numbering has gaps: 4, 5, 6, 7, 8"]
    with open_backend(tmp_path / "ix") as s:
        article = s.article("notes")
    problems = {fn.n: [p.split(":")[0] for p in fn.problems] for fn in article.footnotes}
    assert problems == {1: ["duplicate definition"], 2: ["missing definition"],
                        3: ["no marker"], 9: ["missing definition"]}
    assert [p.text for p in article.paragraphs] == ["正文提到石油與天然氣，以及沒有定義的註。"]


def test_a_file_that_turns_bad_keeps_its_last_good_version(seeds_copy, tmp_path, seed_state_expected):
    ix = tmp_path / "ix"
    assert build_index([seeds_copy], ix).ok
    good = (seeds_copy / SEED_003.name).read_bytes()
    (seeds_copy / SEED_003.name).write_bytes(b"\x00\x01\x02" * 1000)
    result = CliRunner().invoke(cli, ["index", str(seeds_copy), "--index", str(ix)])
    assert result.exit_code == 1
    assert f"error: {seeds_copy / SEED_003.name}: looks binary" in result.stderr
    assert seed_state(ix) == seed_state_expected
    (seeds_copy / SEED_003.name).write_bytes(good)
    report = build_index([seeds_copy], ix)
    assert report.ok and sorted(report.unchanged) == sorted(SEED_IDS)


def big_text(mb: float) -> str:
    """Return about ``mb`` megabytes (UTF-8) of seed text, the seeds repeated."""
    seeds = [SEED_000.read_text("utf-8"), SEED_003.read_text("utf-8")]
    out, size, i = [], 0, 0
    while size < mb * 1024 * 1024:
        out.append(seeds[i % 2])
        size += len(seeds[i % 2].encode())
        i += 1
    return "".join(out)


MEASURED_INDEX = """
import atexit, sys
from pathlib import Path

def peak():  # this process's own peak: ru_maxrss would include the parent's at fork time
    status = Path("/proc/self/status").read_text()
    Path(sys.argv[1]).write_text(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))

atexit.register(peak)
from indexer.cli import main
main(sys.argv[2:])
"""


def index_measured(folder: Path, ix: Path, timeout: float) -> tuple[float, int, str]:
    """Index ``folder`` with the real command line; return (seconds, peak RSS in MB, stderr)."""
    err, hwm = folder.parent / "index.err", folder.parent / "index.hwm"
    started = time.perf_counter()
    with open(err, "w") as f:
        proc = subprocess.Popen([sys.executable, "-c", MEASURED_INDEX, str(hwm), "index", str(folder),
                                 "--index", str(ix)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=f)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail(f"indexing {folder} took over {timeout} s")
    assert proc.returncode == 0, err.read_text()
    return time.perf_counter() - started, int(hwm.read_text()) // 1024, err.read_text()


@pytest.mark.parametrize("mb, seconds, rss_mb", [
    (0.25, 60, 600),
    pytest.param(BIG_MB, 60 * max(BIG_MB, 1), 1500, marks=[
        pytest.mark.slow,
        pytest.mark.skipif(not BIG_MB, reason="set JIANSUO_BIG_MB=50 to index a 50 MB file (minutes)")]),
])
def test_a_big_file_indexes_in_bounded_time_and_memory(tmp_path, mb, seconds, rss_mb):
    folder = tmp_path / "big"
    folder.mkdir()
    text = big_text(mb)
    (folder / "big.txt").write_text(text, "utf-8")
    took, rss, stderr = index_measured(folder, tmp_path / "ix", seconds)
    print(f"\n{len(text.encode()) / 2**20:.2f} MB indexed in {took:.1f} s, peak RSS {rss} MB")
    assert rss < rss_mb
    assert "1 added" in stderr
    copies = text.count("此為拜登上任後首度召開之俄美峰會")
    assert copies > 1
    with open_backend(tmp_path / "ix") as s:
        assert s.search('"此為拜登上任後首度召開之俄美峰會"', limit=1).total == copies


# ---------------------------------------------------------------- crashes and locks


class Worker:
    """The crash worker: forks an indexer on request so it can be killed mid-run."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "crash_worker.py")],
                                     cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)
        self.children: set[int] = set()
        assert self.expect("ready") == []

    def expect(self, word: str) -> list[str]:
        line = self.proc.stdout.readline().split()
        assert line and line[0] == word, f"expected {word!r}, got {line!r}"
        return line[1:]

    def start(self, command: str, *args: Path) -> int:
        self.proc.stdin.write(" ".join([command, *map(str, args)]) + "\n")
        pid = int(self.expect("pid")[0])
        self.children.add(pid)
        return pid

    def exit_code(self, pid: int) -> int:
        got, code = self.expect("exit")
        assert int(got) == pid
        self.children.discard(pid)
        return int(code)

    def close(self):
        """Kill what a failed test left running, then stop the worker."""
        for pid in self.children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()


@pytest.fixture
def worker():
    w = Worker()
    yield w
    w.close()


def marker(version: int) -> str:
    return f"zqv{version:03d}x"


def gloss(version: int) -> str:
    """Return the English gloss of 版本說明 in ``version``: the glossary tells versions apart too."""
    return f"Zqv{version:03d}x Marker"


def write_version(folder: Path, version: int) -> set[str]:
    """Write every article of ``version`` (each with its marker word); return the expected ids."""
    tag = marker(version)
    texts = {
        A000: SEED_000.read_text("utf-8"),
        A003: SEED_003.read_text("utf-8"),
        "variant": SEED_003.read_text("utf-8").replace("拜登", "拜登總統"),
    }
    if version % 2:
        texts["extra"] = "壹、前言\n\n俄羅斯與美國的外交關係。\n"
    else:
        (folder / "extra.txt").unlink(missing_ok=True)
    for aid, text in texts.items():
        (folder / f"{aid}.txt").write_text(f"{text}\n\n版本標記 {tag}。版本說明（{gloss(version)}）。\n", "utf-8")
    return set(texts)


def lock_is_free(index_dir: Path) -> bool:
    """Tell whether the index's write lock can be taken now (then give it back)."""
    from whoosh.util.filelock import FileLock

    lock = FileLock(str(index_dir / "MAIN_WRITELOCK"))
    if lock.acquire(blocking=False):
        lock.release()
        return True
    return False


def held_flocks(path: Path) -> list[int]:
    """Return the pids holding a flock on ``path`` according to /proc/locks."""
    st = path.stat()
    dev = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    return [int(f[4]) for f in (ln.split() for ln in Path("/proc/locks").read_text().splitlines())
            if len(f) > 5 and f[1] == "FLOCK" and f[5] == dev]


def index_version(index_dir: Path) -> tuple[int, set[str]]:
    """Return the one version every indexed article is in, and the article ids."""
    with open_backend(index_dir) as s:
        ids = set(s.article_ids())
        versions = set()
        for aid in ids:
            data = json.dumps(s.article(aid).to_dict(), ensure_ascii=False)
            found = set(re.findall(r"zqv(\d{3})x", data))
            assert len(found) == 1, (aid, found)
            versions |= found
        assert len(versions) == 1, f"articles from different runs: {versions}"
        version = int(versions.pop())
        for q in (marker(version), f'"{marker(version)}"', f'"標記 {marker(version)}"'):  # words, phrases
            assert s.search(q, expand=False).total >= len(ids), q
        for other in (version - 1, version + 1):
            assert s.search(f"{marker(other)} OR \"{marker(other)}\"", expand=False).total == 0
        assert s.search("俄羅斯").total > 0
    return version, ids


def test_sigkill_at_random_moments_never_loses_the_index(tmp_path, worker):
    corpus, ix = tmp_path / "corpus", tmp_path / "ix"
    corpus.mkdir()
    expected = {}
    for version in (0, 1):  # an uninterrupted first run, then an update run to time
        expected[version] = write_version(corpus, version)
        pid = worker.start("build", ix, corpus)
        started = time.perf_counter()
        assert worker.exit_code(pid) == 0
        full_run = time.perf_counter() - started
        assert index_version(ix) == (version, expected[version])

    rng = random.Random(CRASH_SEED)
    committed, outcomes = 1, []
    for version in range(2, CRASH_TRIALS + 2):
        expected[version] = write_version(corpus, version)
        # Anywhere in the run, or near its end where the commit is.
        delay = full_run * (rng.uniform(0.0, 1.0) if version % 2 else rng.uniform(0.7, 1.2))
        pid = worker.start("build", ix, corpus)
        time.sleep(delay)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        code = worker.exit_code(pid)
        assert code in (0, -signal.SIGKILL), f"trial {version}: indexer exited {code}"
        found, ids = index_version(ix)
        assert found in (committed, version), f"trial {version} (delay {delay:.3f}s): version {found}"
        assert ids == expected[found]
        assert lock_is_free(ix), "a killed indexer's lock is released by the system"
        Store(ix).load_glossary()  # whatever moment it died at, the glossary file is whole
        outcomes.append(("killed" if code else "done", "new" if found == version else "old"))
        committed = found
    print(f"\nseed {CRASH_SEED}, full run {full_run:.2f}s, outcomes:",
          {o: outcomes.count(o) for o in set(outcomes)})
    assert ("killed", "old") in outcomes, "some kills landed before the commit"
    assert ("killed", "new") in outcomes or ("done", "new") in outcomes

    final = CRASH_TRIALS + 2
    expected[final] = write_version(corpus, final)
    report = build_index([corpus], ix)
    assert report.ok and index_version(ix) == (final, expected[final])
    assert Store(ix).load_glossary().expand("版本說明") == [gloss(final)]


def test_a_killed_writers_lock_is_released_and_a_waiting_indexer_proceeds(seeds_copy, tmp_path, worker):
    ix = tmp_path / "ix"
    assert build_index([seeds_copy], ix).ok
    (seeds_copy / "extra.txt").write_text("壹、前言\n\n遲到的文章。\n", "utf-8")

    holder = worker.start("hold", ix)
    assert int(worker.expect("locked")[0]) == holder
    lockfile = ix / "MAIN_WRITELOCK"
    assert held_flocks(lockfile) == [holder]

    refused = jiansuo("index", str(seeds_copy), "--index", str(ix))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (f"Error: {ix}: another indexer is writing to this index; "
                                      "wait for it to finish (or pass --wait SECONDS)")

    waiting = subprocess.Popen([sys.executable, "-m", "indexer", "index", str(seeds_copy),
                                "--index", str(ix), "--wait", "60"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    assert waiting.poll() is None, "the second indexer waits for the lock"
    os.kill(holder, signal.SIGKILL)
    assert worker.exit_code(holder) == -signal.SIGKILL
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert "1 added, 0 updated, 0 removed, 2 unchanged, 0 failed" in err
    # The lock file stays behind, but no process holds it: it is not a lock any more.
    assert lockfile.exists() and held_flocks(lockfile) == [] and lock_is_free(ix)
    with open_backend(ix) as s:
        assert s.article_ids() == sorted([*SEED_IDS, "extra"])


def test_a_crash_between_commit_and_glossary_is_repaired_by_the_next_run(seeds_copy, tmp_path,
                                                                          monkeypatch):
    from indexer.index import build

    ix = tmp_path / "ix"
    assert build_index([seeds_copy], ix).ok
    (seeds_copy / "extra.txt").write_text("壹、前言\n\n斑馬協議（Zebra Protocol）是測試用的名稱。\n", "utf-8")

    class Killed(BaseException):
        pass

    def die(store, notify=None):
        raise Killed("killed after the commit")

    monkeypatch.setattr(build, "rebuild_glossary", die)
    with pytest.raises(Killed, match="after the commit"):  # not masked by the closed writer
        build_index([seeds_copy], ix)
    monkeypatch.undo()
    assert Store(ix).load_glossary().expand("斑馬協議") == []  # the glossary is behind the index
    report = build_index([seeds_copy], ix)
    assert report.added == report.updated == [] and len(report.unchanged) == 3
    assert Store(ix).load_glossary().expand("斑馬協議") == ["Zebra Protocol"]


RETIRED_SCHEMA = """from whoosh import fields


class RetiredText(fields.TEXT):
    \"\"\"A field class that a later version no longer has.\"\"\"
"""


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # Whoosh leaves the TOC open
def test_an_index_from_another_version_gets_a_message_not_a_traceback(tmp_path):
    from web import create_app

    (tmp_path / "retired_schema.py").write_text(RETIRED_SCHEMA, "utf-8")
    ix = tmp_path / "ix"
    ix.mkdir()
    subprocess.run([sys.executable, "-c", "import retired_schema; from whoosh import fields, index; "
                    f"index.create_in({str(ix)!r}, fields.Schema(body=retired_schema.RetiredText()))"],
                   cwd=tmp_path, check=True)
    files = sorted(p.name for p in ix.iterdir())
    for args in (["search", "俄羅斯"], ["index", str(SEED_003)]):
        out = jiansuo(*args, "--index", str(ix))
        assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
        assert out.stderr.startswith(f"Error: {ix}: the index cannot be opened (")
        assert "delete the folder" in out.stderr
    resp = create_app({"INDEX_DIR": str(ix), "TESTING": True}).test_client().get("/api/search?q=x")
    assert resp.status_code == 503 and "cannot be opened" in resp.get_json()["error"]
    assert sorted(p.name for p in ix.iterdir()) == files  # the old index is left as it was


# ---------------------------------------------------------------- searching while indexing


def test_searches_during_a_reindex_see_the_old_or_the_new_index(seeds_copy, tmp_path):
    from web import create_app

    ix = tmp_path / "ix"
    assert build_index([seeds_copy], ix).ok
    q = "俄羅斯"
    with open_backend(ix) as s:
        old = s.search(q, expand=False).total
    for i in range(6):  # the new version: more articles, and one changed
        (seeds_copy / f"copy{i}.txt").write_text(SEED_000.read_text("utf-8"), "utf-8")
    (seeds_copy / SEED_003.name).write_text(SEED_003.read_text("utf-8").replace("俄羅斯", "俄國"), "utf-8")

    app = create_app({"INDEX_DIR": str(ix), "TESTING": True})
    client = app.test_client()
    seen = {"library": [], "web": [], "cli": []}
    failures: list[str] = []
    stop = threading.Event()

    def cli_loop():
        while not stop.is_set():
            out = jiansuo("search", q, "--index", str(ix), "--json", "--no-expand", timeout=60)
            if out.returncode != 0:
                failures.append(f"cli exit {out.returncode}: {out.stderr}")
            else:
                seen["cli"].append(json.loads(out.stdout)["total"])

    reindex = subprocess.Popen([sys.executable, "-m", "indexer", "index", str(seeds_copy),
                                "--index", str(ix)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    second = None
    background = threading.Thread(target=cli_loop)
    background.start()
    try:
        while reindex.poll() is None or not seen["cli"]:
            with open_backend(ix) as s:
                r = s.search(q, expand=False)
                assert r.error is None
                seen["library"].append(r.total)
            resp = client.get("/api/search", query_string={"q": q, "expand": "0"})
            assert resp.status_code == 200, resp.get_data(as_text=True)
            seen["web"].append(resp.get_json()["total"])
            if second is None and reindex.poll() is None and held_flocks(ix / "MAIN_WRITELOCK"):
                second = jiansuo("index", str(seeds_copy), "--index", str(ix))
    finally:
        stop.set()
        background.join(60)
        out, err = reindex.communicate(timeout=60)
    assert reindex.returncode == 0, err
    assert failures == []
    with open_backend(ix) as s:
        new = s.search(q, expand=False).total
    assert new > old
    for source, totals in seen.items():
        assert totals and set(totals) <= {old, new}, (source, sorted(set(totals)), old, new)
    resp = client.get("/api/search", query_string={"q": q, "expand": "0"})
    assert resp.get_json()["total"] == new, "the web app picks up the new version"
    assert seen["library"][0] == old
    print(f"\nold {old}, new {new}; searches: " + ", ".join(f"{k} {len(v)}" for k, v in seen.items()))
    assert second is not None, "a second indexer was started while the first held the lock"
    assert second.returncode == 1 and "another indexer is writing to this index" in second.stderr
