"""Text extraction per file type. Each parser turns a file into segments of plain text.

A segment is a natural unit of the file (a PDF page, a JSON record, a group of CSV rows, the
whole text of a document); the chunker splits segments further. Parsers raise ParseError with
a message meant for the job's failure_reason.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

log = logging.getLogger(__name__)

CSV_ROWS_PER_SEGMENT = 20


class ParseError(Exception):
    """The file cannot be turned into text; the message says why."""


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    metadata: dict[str, str] = field(default_factory=dict)


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not valid UTF-8 text (byte {exc.start}); save the file as UTF-8") from None


def parse_text(path: Path) -> list[Segment]:
    return [Segment(_read_text(path))]


def parse_pdf(path: Path) -> list[Segment]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise ParseError("the PDF is encrypted")
        segments = []
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            if text.strip():
                segments.append(Segment(text, {"page": str(number)}))
    except ParseError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ParseError(f"not a readable PDF: {exc}") from None
    if not segments:
        raise ParseError("the PDF has no extractable text (a scanned PDF needs OCR first)")
    return segments


class _HTMLText(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template", "head"}
    _BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table",
              "ul", "ol", "pre", "blockquote", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def parse_html(path: Path) -> list[Segment]:
    parser = _HTMLText()
    parser.feed(_read_text(path))
    parser.close()
    return [Segment("".join(parser.parts))]


def _record_text(record: object) -> str:
    if isinstance(record, str):
        return record
    return json.dumps(record, ensure_ascii=False, indent=1)


def parse_json(path: Path) -> list[Segment]:
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    records = data if isinstance(data, list) else [data]
    return [Segment(_record_text(r), {"record": str(i)}) for i, r in enumerate(records)]


def parse_jsonl(path: Path) -> list[Segment]:
    segments = []
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ParseError(f"invalid JSON on line {number}: {exc.msg}") from None
        segments.append(Segment(_record_text(record), {"line": str(number)}))
    return segments


def parse_csv(path: Path) -> list[Segment]:
    text = _read_text(path)
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise ParseError(f"invalid CSV: {exc}") from None
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    segments = []
    # Rows become "column: value" lines so each chunk carries its own column names.
    for start in range(0, len(body), CSV_ROWS_PER_SEGMENT):
        lines = []
        for row in body[start : start + CSV_ROWS_PER_SEGMENT]:
            lines.append("; ".join(f"{h}: {v}" for h, v in zip(header, row, strict=False) if v.strip()) + ".")
        segments.append(Segment("\n\n".join(lines), {"rows": f"{start + 1}-{start + len(lines)}"}))
    if not body:
        segments.append(Segment(", ".join(header)))
    return segments


def parse_docx(path: Path) -> list[Segment]:
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ParseError(f"not a readable DOCX file: {exc}") from None
    parts = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                parts.append(" | ".join(cells))
    return [Segment("\n\n".join(parts))]


_BY_EXTENSION: dict[str, Callable[[Path], list[Segment]]] = {
    ".pdf": parse_pdf,
    ".txt": parse_text, ".text": parse_text, ".log": parse_text,
    ".md": parse_text, ".markdown": parse_text,
    ".html": parse_html, ".htm": parse_html,
    ".json": parse_json, ".jsonl": parse_jsonl, ".ndjson": parse_jsonl,
    ".csv": parse_csv,
    ".docx": parse_docx,
}
_BY_CONTENT_TYPE: dict[str, Callable[[Path], list[Segment]]] = {
    "application/pdf": parse_pdf,
    "text/plain": parse_text, "text/markdown": parse_text,
    "text/html": parse_html,
    "application/json": parse_json, "application/x-ndjson": parse_jsonl, "application/jsonl": parse_jsonl,
    "text/csv": parse_csv,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": parse_docx,
}
SUPPORTED_EXTENSIONS = tuple(sorted(_BY_EXTENSION))


def parser_for(file_name: str, content_type: str) -> Callable[[Path], list[Segment]]:
    """The parser for a file: by extension first, else by MIME type; ParseError if neither is known."""
    suffix = Path(file_name).suffix.lower()
    parser = _BY_EXTENSION.get(suffix) or _BY_CONTENT_TYPE.get(content_type.split(";")[0].strip().lower())
    if parser is None:
        raise ParseError(
            f"unsupported file type {suffix or content_type or '(none)'!r}; supported: {', '.join(SUPPORTED_EXTENSIONS)}"
        )
    return parser


def parse_file(path: Path, file_name: str, content_type: str) -> list[Segment]:
    """All text segments of the file (CPU-bound: call it from a worker thread)."""
    segments = [s for s in parser_for(file_name, content_type)(path) if s.text.strip()]
    if not segments:
        raise ParseError("the file contains no text")
    return segments
