"""Helpers for archival tests: stubs, error decoding, ids, a tiny PDF writer."""

from __future__ import annotations

import uuid

import grpc
from memvisor.archival.v1 import archival_service_pb2_grpc as api_grpc
from memvisor.client.errors import decode_rpc_error


def agent_id() -> str:
    return f"agent-{uuid.uuid4()}"


def stub(port: int) -> tuple[grpc.aio.Channel, api_grpc.ArchivalServiceStub]:
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    return channel, api_grpc.ArchivalServiceStub(channel)


async def expect_error(call, code: grpc.StatusCode, reason: str | None = None) -> grpc.aio.AioRpcError:
    """Awaits `call`, asserting it fails with `code` (and ErrorInfo `reason`)."""
    try:
        await call
    except grpc.aio.AioRpcError as exc:
        assert exc.code() == code, (exc.code(), exc.details())
        if reason is not None:
            assert decode_rpc_error(exc).reason == reason, decode_rpc_error(exc)
        return exc
    raise AssertionError(f"expected {code.name}")


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
            f"/Resources << /Font << /F1 {font_obj} 0 R >> >> >>".encode())
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
