"""Text formats: bytes → text, with the encoding detected, binaries refused, newlines unified.

Plain text and Markdown are one reader: :func:`detect_format` tells them apart
by content (real Markdown note markers, headings or rules), because PDF
extractions saved as ``.txt`` are often Markdown.

Detection order: byte-order mark → binary signatures → NUL bytes (UTF-16
without BOM, else binary) → strict UTF-8 → legacy CJK (Big5/CP950, GB18030).
Big5 and GB18030 often both decode the same bytes without error, so each
strict decoding is scored by the share of its non-ASCII characters that are
among the 500 most frequent Chinese characters (after OpenCC ``t2s``): real
text scores about 0.75, the wrong one about 0 (mojibake is mostly rare
characters, kana or private-use code points), even on 20 characters.

A file whose lines switch between Big5 and GB18030 (pieces pasted from two
sources) decodes without error either way but is garbage in half of it: its
lines are scored in both encodings, and when some read as Big5 and others as
GB18030 the file is refused, naming where the encodings change.

Whatever cannot be decoded raises :class:`~indexer.errors.ReadError` naming
the file and the byte offset. Two cases decode with a warning instead: a UTF-8
file cut off inside its last character (the incomplete bytes are dropped), and
a file that is more than 99 % valid UTF-8 (bad bytes become U+FFFD).

>>> decode("美俄關係\\r\\n".encode("utf-16"), "a.txt").text
'美俄關係\\n'
>>> decode("俄羅斯強勢外交與美俄關係".encode("cp950"), "b.txt").encoding
'cp950'
>>> decode("俄罗斯强势外交与美俄关系".encode("gb18030"), "c.txt").encoding
'gb18030'
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import ReadError
from indexer.model import Document

# The 500 most frequent Han characters, by the summed word frequencies of
# jieba's dict.txt (ties by code point); tests/test_read.py rebuilds the list.
TOP_CHARS = (
    "一是人了不在有大中国和为这上他个地年来我会以到时要出的生学说道民家子也成行下们于后就发自之对得主长可"
    "过天作分方用多你着部能市等业全里工公经本都而高政法面门动日进区事代那去心小同北定开产前其军还然起种所"
    "如现理机体表力好外与文当两实重新三么只山水关明从化平建又制南内西没此将员名手最东头者月间无安看见各城"
    "十相但已些正口通想度加第她合院物性战由位常点海意场武使次二向治因立数样身情入原问把路被并利石老教万知"
    "级量任江及应省资委务元美特期世湖回系比气汉总展电科金先声提品设或义王社很统处四首共马形己儿司太目基领"
    "队直计别女权话少流命至报米给打变果书清活几州华解议更称程今决张导术府才保交放管结师便走达族反再题色五"
    "京河接条规县式白它改风光运信受什组听布百济党指论强做取技黄神选记斯真却职号界件花类何眼兵传带空干农边"
    "据集联古广完质阳难增历史专官每住商即步认车台林必死游举线言皇土团收考求德叫近备研争非具李众连调感转笑"
    "革该持始英克士尔让拉思根格造较际亲单朝红型价校约器字段周亚深候则功属积快图火千准究往极育装许参半令吃"
    "观鱼精办像帝八复影告远群包整构料随划算象容示投势热值夫网望源息语股铁断派速怎需片爱律纪支早况病境证编"
)
# Punctuation and symbols that real text has and mojibake rarely produces.
_PLAUSIBLE = set(TOP_CHARS) | set("，。、；：？！「」『』（）《》〈〉【】…—–·‘’“”¹²³⁰⁴⁵⁶⁷⁸⁹")

_BOMS = (  # UTF-32 first: its LE mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.epub)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "a program (ELF)"),
)
_LEGACY = ("cp950", "gb18030", "big5hkscs")  # ties go to the first
_MIN_SCORE = 0.3  # real Chinese text scores ~0.75, mojibake ~0
_CHUNK_WIDE = 24  # non-ASCII bytes a piece needs before its encoding is judged
_MIX_MARGIN = 0.3  # how much better one encoding must read a piece to claim it
_MIX_EVIDENCE = 24  # non-ASCII bytes each encoding must claim before a file counts as mixed
_SAMPLE = 100_000  # characters looked at by the heuristics
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_ESCAPED = re.compile(r"[\udc80-\udcff]")
_MARKDOWN = re.compile(
    r"<sup>\s*\d+\s*</sup>"  # note markers
    r"|\[\^[^\]\s]+\]"  # [^1] footnotes
    r"|^ {0,3}#{1,6}[ \t]+\S"  # ATX headings
    r"|^ {0,3}-{3,}[ \t]*$",  # --- separators
    re.MULTILINE,
)


@dataclass
class Decoded:
    """Text decoded from bytes, the encoding used, and what was repaired."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def read_document(data: bytes, name: str, article_id: str, markdown: bool | None = None) -> Document:
    """Decode a text file's bytes into a Document, as Markdown or plain text.

    :param markdown: True for a ``.md`` file; None detects the format from the text.
    """
    decoded = decode(data, name)
    fmt = "markdown" if markdown else detect_format(decoded.text) if markdown is None else "text"
    return Document(article_id, fmt, text=decoded.text, encoding=decoded.encoding,
                    path=name, warnings=decoded.warnings)


def decode(data: bytes, name: str) -> Decoded:
    """Decode ``data`` read from file ``name``; raise ReadError if it is not text."""
    if not data:
        raise ReadError(f"{name}: file is empty (0 bytes); put the article text in it")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise ReadError(f"{name}: is {kind}, not text; {_fix_for(kind, name)}")
    decoded = _decode(data, name)
    decoded.text = normalise_newlines(decoded.text)
    sample = decoded.text[:_SAMPLE]
    controls = _CONTROL.findall(sample)
    if len(controls) > 0.05 * len(sample):
        raise ReadError(
            f"{name}: looks binary ({len(controls)} control characters in "
            f"{len(sample)}), not text; pass a plain-text file"
        )
    if not decoded.text or decoded.text.isspace():
        raise ReadError(f"{name}: file has only white space; put the article text in it")
    return decoded


def normalise_newlines(text: str) -> str:
    """Turn Windows (``\\r\\n``) and old Mac (``\\r``) line ends into ``\\n``.

    >>> normalise_newlines("a\\r\\nb\\rc\\n")
    'a\\nb\\nc\\n'
    """
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect_format(text: str) -> str:
    """Return "markdown" if ``text`` has Markdown headings, rules or note markers, else "text".

    >>> detect_format("## 焦點評析\\n正文"), detect_format("正文<sup>1</sup>。")
    ('markdown', 'markdown')
    >>> detect_format("壹、前言\\n#1 is not a heading"), detect_format("正文。¹")
    ('text', 'text')
    """
    return "markdown" if _MARKDOWN.search(text) else "text"


def score(text: str) -> float:
    """Return the share of non-ASCII characters that are frequent Han characters or punctuation.

    Private-use characters count against, since wrong decodings produce them.

    >>> round(score("美俄關係的未來"), 2)  # 俄 and 未 are not in the top 500
    0.71
    >>> score("ASCII only")
    0.0
    """
    from indexer.analysis import fold  # loaded only when a legacy encoding must be judged

    folded = fold(text[:_SAMPLE])
    wide = [ch for ch in folded if ch >= "\x80"]
    if not wide:
        return 0.0
    good = sum(ch in _PLAUSIBLE for ch in wide)
    private = sum("\ue000" <= ch <= "\uf8ff" for ch in wide)
    return (good - private) / len(wide)


def _fix_for(kind: str, name: str) -> str:
    if kind == "a PDF":
        return f"extract its text first (e.g. pdftotext -layout {name})"
    return "pass a plain-text file (.txt or .md)"


def _decode(data: bytes, name: str) -> Decoded:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding == "utf-8-sig":
                return _from_utf8(data, name, skip=len(bom), legacy=False)
            return Decoded(_strict(data, encoding, len(bom), name), encoding)
    if b"\0" in data:
        return _from_utf16(data, name)
    return _from_utf8(data, name, skip=0, legacy=True)


def _strict(data: bytes, encoding: str, skip: int, name: str) -> str:
    try:
        return str(memoryview(data)[skip:], encoding)
    except UnicodeDecodeError as err:
        at = skip + err.start
        raise ReadError(
            f"{name}: invalid {encoding.upper()} at byte offset {at} "
            f"({data[at:at + 4].hex(' ')}); re-save the file as UTF-8"
        ) from None


def _from_utf16(data: bytes, name: str) -> Decoded:
    """Decode BOM-less UTF-16: ASCII gives NULs at odd (LE) or even (BE) offsets."""
    odd, even = data[1::2].count(0), data[0::2].count(0)
    for encoding in ("utf-16-le", "utf-16-be") if odd >= even else ("utf-16-be", "utf-16-le"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:_SAMPLE]
        ascii_text = sum(" " <= ch <= "~" or ch in "\t\n\r" for ch in sample)
        wide = sum(ch >= "\x80" for ch in sample)
        if ascii_text + score(sample) * wide >= 0.5 * len(sample):
            return Decoded(text, encoding)
    raise ReadError(
        f"{name}: looks binary (NUL byte at offset {data.index(0)}), not text; "
        "pass a plain-text file (UTF-8, UTF-16, Big5 or GB18030)"
    )


def _from_utf8(data: bytes, name: str, skip: int, legacy: bool) -> Decoded:
    body = memoryview(data)[skip:]
    try:
        return Decoded(str(body, "utf-8"), "utf-8")
    except UnicodeDecodeError as err:
        first = err
    at = skip + first.start
    if first.reason == "unexpected end of data" and first.end == len(body):
        return Decoded(
            str(body[: first.start], "utf-8"),
            "utf-8",
            [
                f"{name}: dropped an incomplete UTF-8 character at the end "
                f"(byte offset {at}, {len(data) - at} bytes); check that the file is complete"
            ],
        )
    reach = (0, "")
    if legacy:
        if mixed := mixed_legacy(data):
            (a_end, a_enc), (b_start, b_enc) = mixed
            raise ReadError(
                f"{name}: mixed encodings: {_LABEL[a_enc]} up to byte offset {a_end}, then "
                f"{_LABEL[b_enc]} from byte offset {b_start} ({data[b_start:b_start + 4].hex(' ')}); "
                "re-save the whole file as UTF-8"
            )
        best, reach = _best_legacy(data)
        if best is not None:
            return best
    bad = len(_ESCAPED.findall(str(body, "utf-8", "surrogateescape")))
    if bad < 0.01 * len(body):
        return Decoded(
            str(body, "utf-8", "replace"),
            "utf-8",
            [
                f"{name}: replaced {bad} invalid UTF-8 bytes with U+FFFD (first at byte "
                f"offset {at}); re-save the file as UTF-8 to keep those characters"
            ],
        )
    bytes_at = data[at:at + 4].hex(" ")
    if not bytes(body[: first.start]).isascii():
        raise ReadError(
            f"{name}: mixed encodings: UTF-8 up to byte offset {at}, then bytes "
            f"{bytes_at} that are not; re-save the whole file as UTF-8"
        )
    if reach[0] > at:
        end = reach[0]
        raise ReadError(
            f"{name}: mixed encodings: {reach[1].upper()} up to byte offset {end}, then bytes "
            f"{data[end:end + 4].hex(' ')} that are not; re-save the whole file as UTF-8"
        )
    raise ReadError(
        f"{name}: cannot decode bytes {bytes_at} at byte offset {at} as UTF-8, "
        "UTF-16, Big5 or GB18030; re-save the file as UTF-8"
    )


_LABEL = {"cp950": "Big5", "gb18030": "GB18030"}


def _pieces(data: bytes):
    """Yield (start, end) byte ranges of whole lines holding enough non-ASCII bytes to judge.

    A newline byte never occurs inside a Big5 or GB18030 character, so cutting at
    newlines never splits one.
    """
    start = wide = 0
    pos = 0
    size = len(data)
    while pos < size:
        nl = data.find(b"\n", pos)
        end = size if nl < 0 else nl + 1
        line = data[pos:end]
        wide += len(line) - len(line.translate(None, bytes(range(0x80, 0x100))))
        pos = end
        if wide >= _CHUNK_WIDE:
            yield start, end
            start, wide = end, 0
    if wide:
        yield start, size


def _reads_as(piece: bytes) -> str | None:
    """Return the legacy encoding that reads ``piece`` as Chinese clearly better than the other."""
    scores = {}
    for encoding in ("cp950", "gb18030"):
        try:
            scores[encoding] = score(piece.decode(encoding))
        except UnicodeDecodeError:
            scores[encoding] = -1.0
    (best, high), (_, low) = sorted(scores.items(), key=lambda kv: -kv[1])
    return best if high >= _MIN_SCORE and high - low >= _MIX_MARGIN else None


def mixed_legacy(data: bytes) -> tuple[tuple[int, str], tuple[int, str]] | None:
    """Tell whether some lines of ``data`` are Big5 and others GB18030.

    Returns ((end of the first run, its encoding), (start of the first piece in
    the other encoding, that encoding)), or None when one encoding reads it all.

    >>> big5 = "美俄關係的未來發展與歐洲安全問題\\n".encode("cp950")
    >>> gb = "俄罗斯强势外交与美俄关系的未来发展\\n".encode("gb18030")
    >>> mixed_legacy(big5 * 3 + gb * 3)
    ((99, 'cp950'), (99, 'gb18030'))
    >>> mixed_legacy(big5 * 6) is None
    True
    """
    claimed: dict[str, int] = {}
    first: dict[str, int] = {}
    last_end: dict[str, int] = {}
    for start, end in _pieces(data):
        encoding = _reads_as(data[start:end])
        if encoding is None:
            continue
        piece = data[start:end]
        claimed[encoding] = claimed.get(encoding, 0) + len(piece) - len(piece.translate(None, bytes(range(0x80, 0x100))))
        first.setdefault(encoding, start + len(piece) - len(piece.lstrip(b"\r\n")))
        if len(first) == 1:
            last_end[encoding] = end
    if len(claimed) < 2 or min(claimed.values()) < _MIX_EVIDENCE:
        return None
    a, b = sorted(first, key=first.get)
    return (last_end[a], a), (first[b], b)


def _best_legacy(data: bytes) -> tuple[Decoded | None, tuple[int, str]]:
    """Return the legacy CJK decoding that looks most like Chinese, if any does.

    Also return how far the farthest failing encoding read Chinese-looking text
    (byte offset, encoding), to name the spot where a mixed file changes encoding.
    """
    best: tuple[float, str, str] | None = None
    reach = (0, "")
    for encoding in _LEGACY:
        if encoding == "big5hkscs" and best is not None and best[1] == "cp950":
            continue  # Hong Kong superset of Big5: only for what CP950 cannot decode
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as err:
            head = data[: min(err.start, 4 * _SAMPLE)].decode(encoding, "ignore")
            if err.start > reach[0] and score(head) >= _MIN_SCORE:
                reach = (err.start, encoding)
            continue
        value = score(text)
        if best is None or value > best[0]:
            best = (value, encoding, text)
    if best is None or best[0] < _MIN_SCORE:
        return None, reach
    return Decoded(best[2], best[1]), reach



