"""Google-style docstring parsing: a summary plus per-argument descriptions."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

_SECTION_RE = re.compile(
    r"^(Args|Arguments|Parameters|Params|Returns|Return|Raises|Yields|Examples?|Notes?|Attributes|"
    r"See Also|Todo|Warnings?)\s*:\s*$",
    re.IGNORECASE,
)
_ARG_SECTIONS = {"args", "arguments", "parameters", "params"}
# "name (type): text", "name: text", "*name: text"
_ARG_RE = re.compile(r"^\*{0,2}(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(\((?P<type>[^)]*)\))?\s*:\s*(?P<desc>.*)$")


@dataclass
class Docstring:
    summary: str = ""
    args: dict[str, str] = field(default_factory=dict)
    returns: str = ""


def _join(lines: list[str]) -> str:
    return " ".join(line.strip() for line in lines if line.strip())


def parse_google_docstring(text: str | None) -> Docstring:
    """Splits a docstring into summary, `Args:` entries and `Returns:` text.

    Indentation is normalized first, and an argument entry's continuation is any line that is
    not itself `name: ...` or a section header, so both indented and flattened docstrings work.
    """
    doc = Docstring()
    if not text:
        return doc
    lines = inspect.cleandoc(text).splitlines()
    summary: list[str] = []
    returns: list[str] = []
    section = ""
    current: str | None = None
    arg_lines: dict[str, list[str]] = {}
    for raw in lines:
        line = raw.strip()
        header = _SECTION_RE.match(line)
        if header:
            section = header.group(1).lower()
            current = None
            continue
        if not section:
            summary.append(raw)
        elif section in _ARG_SECTIONS:
            m = _ARG_RE.match(line)
            # A continuation line is indented deeper than its entry; a flattened docstring has
            # no indentation, so a new "name:" line there always starts a new entry.
            if m and (current is None or not raw.startswith((" " * 8, "\t\t"))):
                current = m.group("name")
                arg_lines[current] = [m.group("desc")]
            elif current is not None:
                arg_lines[current].append(line)
        elif section in ("returns", "return"):
            returns.append(line)
    # The summary is the text before the first section; blank lines separate paragraphs.
    doc.summary = "\n\n".join(_join(p.splitlines()) for p in "\n".join(summary).split("\n\n") if p.strip())
    doc.args = {name: _join(parts) for name, parts in arg_lines.items()}
    doc.returns = _join(returns)
    return doc
