"""Splits long text into overlapping chunks that fit an embedding model's window.

Chunks follow paragraph and sentence boundaries where they can: sentences are packed greedily
up to `max_words`, and the next chunk starts with the last sentences of the previous one (up to
`overlap_words`) so a fact straddling a boundary is still found whole. A single sentence longer
than the window is cut by words, with the same overlap.
"""

from __future__ import annotations

import re

_PARAGRAPHS = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")


def _units(text: str) -> list[str]:
    units: list[str] = []
    for para in _PARAGRAPHS.split(text):
        para = " ".join(para.split())
        if para:
            units.extend(s for s in _SENTENCE_END.split(para) if s)
    return units


def _split_long(words: list[str], max_words: int, overlap: int) -> list[list[str]]:
    step = max(1, max_words - overlap)
    return [words[i : i + max_words] for i in range(0, max(1, len(words) - overlap), step)]


def chunk_text(text: str, max_words: int, overlap_words: int = 0) -> list[str]:
    """`text` itself when it fits, else overlapping chunks of at most `max_words` words."""
    if max_words < 1:
        raise ValueError("max_words must be positive")
    overlap_words = min(overlap_words, max_words // 2)
    if len(text.split()) <= max_words:
        return [text] if text.strip() else []
    pieces: list[list[str]] = []
    for unit in _units(text):
        words = unit.split()
        pieces.extend(_split_long(words, max_words, overlap_words) if len(words) > max_words else [words])

    chunks: list[str] = []
    current: list[list[str]] = []
    size = 0
    for piece in pieces:
        if current and size + len(piece) > max_words:
            chunks.append(" ".join(w for p in current for w in p))
            # Carry whole trailing sentences into the next chunk as overlap.
            carried: list[list[str]] = []
            carried_size = 0
            for prev in reversed(current):
                if carried_size + len(prev) > overlap_words or carried_size + len(prev) + len(piece) > max_words:
                    break
                carried.insert(0, prev)
                carried_size += len(prev)
            current, size = carried, carried_size
        current.append(piece)
        size += len(piece)
    if current:
        chunks.append(" ".join(w for p in current for w in p))
    return chunks
