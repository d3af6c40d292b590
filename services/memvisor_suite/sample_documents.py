"""Sample documents made on the fly: the seed's employee handbook as a real PDF, written by hand
(no PDF library needed to *write* one; pypdf reads it back in the archival-service)."""

from __future__ import annotations

VACATION = (
    "Vacation policy: full-time employees receive twenty days of paid vacation per year. Vacation requests "
    "must be approved by your manager at least two weeks in advance, and unused days carry over."
)
HANDBOOK = [
    ["ACME Corp Employee Handbook", "Welcome to ACME. This handbook describes how we work together."],
    [
        "Working hours: the office is open from 9am to 6pm on weekdays.",
        "Expense reports are due by the fifth business day of each month.",
    ],
    [VACATION[: VACATION.index(" Vacation requests") + 1], VACATION[VACATION.index("Vacation requests") :]],
    ["Code of conduct: treat colleagues with respect. Harassment is never tolerated."],
]


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]]) -> bytes:
    """A minimal valid PDF (Helvetica text, one line per entry) written by hand."""
    objects: list[bytes] = []
    n_pages = len(pages)
    font_obj = 3 + 2 * n_pages
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, lines in enumerate(pages):
        content_obj = 4 + 2 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_obj} 0 R "
            f"/Resources << /Font << /F1 {font_obj} 0 R >> >> >>".encode()
        )
        ops = ["BT", "/F1 11 Tf", "14 TL", "50 750 Td"]
        for line in lines:
            ops.append(f"({_pdf_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def handbook_pdf() -> bytes:
    """The seed's employee handbook: four pages, the vacation policy on page 3."""
    return make_pdf(HANDBOOK)
