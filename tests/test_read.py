"""Reading bytes as text: encodings, newlines, and every kind of bad file."""

from __future__ import annotations

import codecs
import collections
import importlib.util
import random
from pathlib import Path

import pytest

from indexer.errors import ReadError
from indexer.ingest import read
from indexer.ingest.text import TOP_CHARS, decode, detect_format, score

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))
TEXTS = {p.name[:3]: p.read_text(encoding="utf-8") for p in SEEDS}


def read_text(path: Path) -> str:
    return read(path).text


def read_text_with_warnings(path: Path) -> tuple[str, list[str]]:
    doc = read(path)
    return doc.text, doc.warnings


def big5_part(text: str) -> str:
    """Keep the characters CP950 can encode (seed 000 has superscripts, 003 Cyrillic)."""
    return "".join(ch for ch in text if ch.encode("cp950", "ignore"))


# name, encode(text) -> bytes, detected encoding, text filter
ENCODINGS = [
    ("utf-8", lambda t: t.encode("utf-8"), "utf-8", None),
    ("utf-8 BOM", lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8", None),
    ("utf-16-le BOM", lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "utf-16-le", None),
    ("utf-16-be BOM", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16-be", None),
    ("utf-16-le", lambda t: t.encode("utf-16-le"), "utf-16-le", None),
    ("utf-16-be", lambda t: t.encode("utf-16-be"), "utf-16-be", None),
    ("utf-32 BOM", lambda t: codecs.BOM_UTF32_LE + t.encode("utf-32-le"), "utf-32-le", None),
    ("gb18030", lambda t: t.encode("gb18030"), "gb18030", None),
    ("cp950", lambda t: t.encode("cp950"), "cp950", big5_part),
]


def write(tmp_path: Path, data: bytes, name: str = "article.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_seeds_are_what_the_tests_expect():
    assert sorted(TEXTS) == ["000", "003"]
    assert "\r" not in TEXTS["000"] + TEXTS["003"]
    assert big5_part(TEXTS["000"]) != TEXTS["000"]  # has ¹²³…, outside Big5
    assert len(big5_part(TEXTS["000"])) > 13_000


@pytest.mark.parametrize("seed", sorted(TEXTS))
@pytest.mark.parametrize("label, encode, encoding, keep", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_seed_round_trips(tmp_path, seed, label, encode, encoding, keep):
    text = keep(TEXTS[seed]) if keep else TEXTS[seed]
    data = encode(text)
    path = write(tmp_path, data)
    assert read_text_with_warnings(path) == (text, [])
    assert decode(data, "x").encoding == encoding


@pytest.mark.parametrize("label, encode, encoding, keep", ENCODINGS, ids=[e[0] for e in ENCODINGS])
@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_become_lf(tmp_path, label, encode, encoding, keep, newline):
    text = big5_part(TEXTS["003"])
    path = write(tmp_path, encode(text.replace("\n", newline)))
    assert read_text(path) == text


SHORT = [
    "俄羅斯強勢外交與美俄關係的未來發展",  # 17 characters, the title of 000
    "拜登新政下之俄美關係",  # 10 characters, the title of 003
    "普京於瑞士日內瓦會晤，此為拜登上任後首度召開",
]


@pytest.mark.parametrize("text", SHORT)
@pytest.mark.parametrize("encoding", ["cp950", "gb18030"])
def test_short_legacy_text_is_told_apart(tmp_path, text, encoding):
    path = write(tmp_path, text.encode(encoding))
    assert read_text(path) == text
    assert decode(text.encode(encoding), "x").encoding == encoding


@pytest.mark.parametrize("encoding", ["cp950", "gb18030"])
def test_every_20_character_window_of_seed_000_is_told_apart(encoding):
    """Slide over the seed: each 20-char piece must come back in its own encoding."""
    text = big5_part(TEXTS["000"])
    pieces = [text[i:i + 20] for i in range(0, len(text) - 20, 20)]
    pieces = [p for p in pieces if not p.isascii()]
    utf8 = [p for p in pieces if decode(p.encode(encoding), "x").encoding == "utf-8"]
    wrong = [p for p in pieces if p not in utf8 and decode(p.encode(encoding), "x").text != p]
    assert len(pieces) == 581
    assert wrong == []
    # Valid UTF-8 wins: a lone Chinese character among ASCII can be a 2-byte UTF-8 sequence.
    assert utf8 == {"cp950": [], "gb18030": ["/20070702-2.html>\n\n斯"]}[encoding]


def test_score_separates_text_from_mojibake():
    text = big5_part(TEXTS["000"])
    assert score(text) > 0.7
    assert score(text.encode("cp950").decode("gb18030")) < 0
    assert score(TEXTS["003"].encode("gb18030").decode("big5hkscs", "ignore")) < 0.1


def test_top_chars_are_jiebas_most_frequent():
    """Rebuild the embedded list from jieba's dictionary."""
    dict_txt = Path(importlib.util.find_spec("jieba").origin).parent / "dict.txt"
    freq: collections.Counter[str] = collections.Counter()
    with open(dict_txt, encoding="utf-8") as lines:
        for line in lines:
            word, count = line.split(" ")[:2]
            for ch in word:
                freq[ch] += int(count)
    han = sorted((ch for ch in freq if "\u4e00" <= ch <= "\u9fff"), key=lambda ch: (-freq[ch], ch))
    assert TOP_CHARS == "".join(han[:500])
    assert TOP_CHARS[:5] == "一是人了不"


def utf8_then_big5() -> tuple[bytes, int]:
    lines = TEXTS["000"].split("\n")
    head = "\n".join(lines[:10]).encode("utf-8") + b"\n"
    tail = big5_part("\n".join(lines[10:])).encode("cp950")
    return head + tail, len(head)


def big5_then_utf8() -> tuple[bytes, int]:
    head = big5_part(TEXTS["000"][:2000]).encode("cp950")
    tail = "本文從回顧 1991 年底蘇聯解體後".encode("utf-8")
    assert tail[:2] == b"\xe6\x9c"  # not a Big5 pair: CP950 fails right there
    return head + tail, len(head)


RANDOM = random.Random(0).randbytes(4096)
HIGH = bytes(random.Random(0).randrange(0x80, 0x100) for _ in range(4096))
MIXED, MIXED_AT = utf8_then_big5()
MIXED2, MIXED2_AT = big5_then_utf8()
CONTROL = b"ab\x01\x02\x03\x04cd" * 10

# name, bytes, expected message after "<path>: "
BAD = [
    ("0-byte", b"", "file is empty (0 bytes); put the article text in it"),
    ("whitespace", b" \r\n\t\n\n ", "file has only white space; put the article text in it"),
    ("BOM only", codecs.BOM_UTF8 + b"\n", "file has only white space; put the article text in it"),
    (
        "PNG",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "is a PNG image, not text; pass a plain-text file (.txt or .md)",
    ),
    (
        "zip",
        b"PK\x03\x04\x14\x00\x06\x00",
        "is a ZIP archive (or .docx/.epub), not text; pass a plain-text file (.txt or .md)",
    ),
    (
        "random bytes",
        RANDOM,
        f"looks binary (NUL byte at offset {RANDOM.index(0)}), not text; "
        "pass a plain-text file (UTF-8, UTF-16, Big5 or GB18030)",
    ),
    (
        "random high bytes",
        HIGH,
        f"cannot decode bytes {HIGH[:4].hex(' ')} at byte offset 0 as UTF-8, "
        "UTF-16, Big5 or GB18030; re-save the file as UTF-8",
    ),
    ("control characters", CONTROL, "looks binary (40 control characters in 80), not text; pass a plain-text file"),
    (
        "UTF-8 then Big5",
        MIXED,
        f"mixed encodings: UTF-8 up to byte offset {MIXED_AT}, then bytes "
        f"{MIXED[MIXED_AT:MIXED_AT + 4].hex(' ')} that are not; re-save the whole file as UTF-8",
    ),
    (
        "Big5 then UTF-8",
        MIXED2,
        f"mixed encodings: CP950 up to byte offset {MIXED2_AT}, then bytes "
        f"{MIXED2[MIXED2_AT:MIXED2_AT + 4].hex(' ')} that are not; re-save the whole file as UTF-8",
    ),
    (
        "UTF-16 BOM, odd length",
        codecs.BOM_UTF16_LE + "美俄".encode("utf-16-le") + b"\x00",
        "invalid UTF-16-LE at byte offset 6 (00); re-save the file as UTF-8",
    ),
]


@pytest.mark.parametrize("label, data, message", BAD, ids=[b[0] for b in BAD])
def test_bad_files_raise_one_line_errors(tmp_path, label, data, message):
    path = write(tmp_path, data, "bad file.txt")
    with pytest.raises(ReadError) as err:
        read_text(path)
    assert str(err.value) == f"{path}: {message}"
    assert "\n" not in str(err.value)


def test_pdf_goes_to_the_pdf_reader(tmp_path):
    """A PDF, whatever its suffix, is read as a PDF: a broken one is named as damaged."""
    for name in ("paper.pdf", "paper.txt"):
        path = write(tmp_path, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", name)
        with pytest.raises(ReadError) as err:
            read_text(path)
        assert str(err.value) == f"{path}: damaged PDF, it cannot be read; re-export or re-download it"


def test_directory_and_missing_file(tmp_path):
    with pytest.raises(ReadError) as err:
        read_text(tmp_path)
    assert str(err.value) == f"{tmp_path}: is a directory, not a file; pass the text files inside it"
    missing = tmp_path / "nope.txt"
    with pytest.raises(ReadError) as err:
        read_text(missing)
    assert str(err.value) == f"{missing}: no such file; check the path and the file name"


def test_truncated_utf8_drops_the_last_partial_character(tmp_path):
    data = TEXTS["003"].encode("utf-8").rstrip(b"\n")
    assert data.endswith("樺".encode())  # 責任編輯：李欣樺
    path = write(tmp_path, data[:-1])
    text, warnings = read_text_with_warnings(path)
    assert text == TEXTS["003"].rstrip("\n")[:-1]
    assert warnings == [
        "dropped an incomplete UTF-8 character at the end "  # the file is named where it is shown
        f"(byte offset {len(data) - 3}, 2 bytes); check that the file is complete"
    ]
    assert read_text(path) == text


def test_a_few_bad_bytes_in_utf8_become_replacement_characters(tmp_path):
    good = TEXTS["000"].encode("utf-8")
    data = good[:2000] + "美國".encode("cp950") + good[2000:]  # ac fc b0 ea
    assert good[:2000].decode("utf-8")  # cut on a character boundary
    path = write(tmp_path, data)
    text, warnings = read_text_with_warnings(path)
    head, tail = good[:2000].decode("utf-8"), good[2000:].decode("utf-8")
    assert text.startswith(head) and text.endswith(tail)
    assert text[len(head):-len(tail)] == "\ufffd" * 4
    assert warnings == [
        "replaced 4 invalid UTF-8 bytes with U+FFFD "  # the file is named where it is shown
        "(first at byte offset 2000); re-save the file as UTF-8 to keep those characters"
    ]


def test_big5_with_little_chinese_is_not_mistaken_for_broken_utf8():
    """Four Big5 characters after 2 kB of English: Big5, though over 99 % of bytes are valid UTF-8."""
    start, end = TEXTS["000"].index("Along with"), TEXTS["000"].index("\n\n壹、前言")
    english = TEXTS["000"][start:end]
    text = f"{english}\n{english}\n美俄關係\n"
    data = text.encode("cp950")
    bad = data.decode("utf-8", "replace").count("\ufffd")
    assert english.isascii() and 0 < bad < 0.01 * len(data)
    decoded = decode(data, "x")
    assert (decoded.text, decoded.encoding, decoded.warnings) == (text, "cp950", [])


def test_fifty_megabytes_read_in_one_pass(tmp_path):
    """Index-sized input: 50 MB of the seeds, read and decoded in well under the test budget."""
    import time

    unit = (TEXTS["000"] + TEXTS["003"]).encode("utf-8")
    path = write(tmp_path, unit * (50_000_000 // len(unit) + 1))
    start = time.perf_counter()
    text = read_text(path)
    elapsed = time.perf_counter() - start
    assert len(text) == (50_000_000 // len(unit) + 1) * len(TEXTS["000"] + TEXTS["003"])
    assert elapsed < 5


SNIFF = [
    ("seed 000", TEXTS["000"], "text"),
    ("seed 003", TEXTS["003"], "markdown"),
    ("sup marker", "蘇聯解體<sup>3</sup>後", "markdown"),
    ("footnote", "美俄關係[^12]", "markdown"),
    ("heading", "前言\n### 一、前言\n", "markdown"),
    ("rule", "正文\n---\n註釋", "markdown"),
    ("hashtag", "#MeToo 運動\n", "text"),
    ("numbered", "#1 美俄關係", "text"),
    ("dashes inside", "a --- b", "text"),
    ("Chinese dashes", "——\n", "text"),
    ("bare caret", "x^2 and [1]", "text"),
]


@pytest.mark.parametrize("label, text, fmt", SNIFF, ids=[s[0] for s in SNIFF])
def test_sniff_format(label, text, fmt):
    assert detect_format(text) == fmt


@pytest.mark.parametrize("first,second,names", [("cp950", "gb18030", ("Big5", "GB18030")),
                                                ("gb18030", "cp950", ("GB18030", "Big5"))])
@pytest.mark.parametrize("cut", [3, 40, 100])
def test_big5_mixed_with_gb18030_is_refused_not_indexed_as_garbage(tmp_path, first, second, names, cut):
    """Half a file in each legacy encoding decodes without error either way; it must be refused."""
    lines = big5_part(TEXTS["000"]).split("\n")
    head = "\n".join(lines[:cut]).encode(first) + b"\n"
    data = head + "\n".join(lines[cut:]).encode(second)
    with pytest.raises(ReadError) as err:
        read(write(tmp_path, data, "mixed.txt"))
    message = str(err.value)
    assert message.startswith(f"{tmp_path / 'mixed.txt'}: mixed encodings: {names[0]} up to byte offset ")
    assert f", then {names[1]} from byte offset " in message
    assert message.endswith("; re-save the whole file as UTF-8") and "\n" not in message
    at = int(message.split(" from byte offset ")[1].split(" ")[0])
    assert abs(at - len(head)) < 200  # names the place where the encoding changes


@pytest.mark.parametrize("encoding", ["cp950", "gb18030"])
def test_one_legacy_encoding_with_english_and_short_lines_is_not_called_mixed(encoding):
    text = big5_part(TEXTS["000"] + TEXTS["003"])
    assert decode(text.encode(encoding), "x").text == text
