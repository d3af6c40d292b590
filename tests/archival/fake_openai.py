"""A scripted OpenAI-compatible /v1/embeddings server (real HTTP) for archival tests.

Vectors are deterministic lexical hashes (so related texts score higher) of `dim` dimensions.
`fail_next` queues HTTP statuses to answer before succeeding, to exercise retries.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from archival_service.embeddings.hashing import HashingProvider


class FakeEmbeddingServer:
    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.requests: list[dict] = []
        self.fail_next: list[int] = []
        self._hasher = HashingProvider(dim)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(body)
                if outer.fail_next:
                    status = outer.fail_next.pop(0)
                    payload = json.dumps({"error": {"message": f"scripted {status}", "type": "server_error"}})
                    self._send(status, payload)
                    return
                if not self.path.endswith("/embeddings"):
                    self._send(404, json.dumps({"error": {"message": "not found"}}))
                    return
                texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
                vectors = outer._hasher.embed_sync(texts)
                data = [{"object": "embedding", "index": i, "embedding": v.tolist()} for i, v in enumerate(vectors)]
                self._send(200, json.dumps({"object": "list", "data": data, "model": body["model"],
                                            "usage": {"prompt_tokens": 1, "total_tokens": 1}}))

            def _send(self, status: int, payload: str) -> None:
                raw = payload.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeEmbeddingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
