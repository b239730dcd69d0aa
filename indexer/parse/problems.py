"""The problems a note can have, as one-line messages: one template per kind, in one place.

A problem is stored as text (``"empty: the note has no text"``) so the JSON of
an article stays readable; the part before the colon is its kind. A user
interface in another language reads the kind and its values back with
:func:`read_problem` and says the same thing in its own words.

>>> p = problem("bad_reference", ref="同前註", target="note 3")
>>> p
'bad reference: 同前註 refers to note 3, not an earlier note'
>>> read_problem(p)
('bad_reference', {'ref': '同前註', 'target': 'note 3'})
"""

from __future__ import annotations

import re
import string

TEMPLATES = {
    "empty": "empty: the note has no text",
    "self_reference": "self-reference: {ref} refers to note {n} itself",
    "unresolved_reference": "unresolved reference: no earlier note by {author}",
    "bad_reference": "bad reference: {ref} refers to {target}, not an earlier note",
    "truncated": "truncated: the text stops mid-sentence at “{tail}”",
    "duplicate_definition": "duplicate definition: note {n} is defined more than once; the first is kept",
    "no_marker": "no marker: no paragraph cites note {n}",
    "missing_definition": "missing definition: note {n} is cited in {where} but never defined",
}


def problem(kind: str, **values) -> str:
    """Return the message of a problem of ``kind`` with ``values`` filled in."""
    return TEMPLATES[kind].format(**values)


def _pattern(template: str) -> re.Pattern:
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P<{name}>.*?)")
    return re.compile("".join(parts) + "$", re.S)


_PATTERNS = {kind: _pattern(t) for kind, t in TEMPLATES.items()}


def read_problem(text: str) -> tuple[str, dict[str, str]] | None:
    """Return (kind, values) of a problem message, or None for a message of no known kind."""
    for kind, pattern in _PATTERNS.items():
        if m := pattern.match(text):
            return kind, m.groupdict()
    return None
