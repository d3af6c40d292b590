"""client.agents.passages, client.sources (+ files), client.jobs, client.agents.sources."""

from __future__ import annotations

import mimetypes
import os
import time
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from memvisor.archival.v1 import archival_service_pb2 as arch
from memvisor.archival.v1 import archival_service_pb2_grpc
from memvisor.client import _convert
from memvisor.client._transport import Transport
from memvisor.client.types import Job, Passage, Source

_CHUNK = 1 << 20  # upload in 1 MiB messages: files of any size, never one huge gRPC message


def _stub(t: Transport) -> archival_service_pb2_grpc.ArchivalServiceStub:
    return archival_service_pb2_grpc.ArchivalServiceStub(t.channel)


class AgentPassages:
    def __init__(self, t: Transport) -> None:
        self._t, self._stub = t, _stub(t)

    def create(
        self,
        agent_id: str,
        text: str,
        tags: list[str] | None = None,
        created_at: datetime | str | None = None,
        metadata: dict[str, str] | None = None,
        client_id: str = "",
    ) -> list[Passage]:
        """Saves text to the agent's archival memory (long text becomes several passages)."""
        item = arch.PassageInput(text=text, tags=tags or [], metadata=metadata or {}, client_id=client_id)
        ts = _convert.timestamp(created_at)
        if ts is not None:
            item.create_time.CopyFrom(ts)
        resp = self._t.unary(
            self._stub.InsertPassages, arch.InsertPassagesRequest(agent_id=agent_id, passages=[item])
        )
        return [Passage.from_proto(p) for p in resp.passages]

    def list(self, agent_id: str, limit: int = 1000) -> list[Passage]:
        passages = self._t.pages(
            self._stub.ListPassages,
            lambda size, token: arch.ListPassagesRequest(agent_id=agent_id, page_size=size, page_token=token),
            "passages",
            limit,
        )
        return [Passage.from_proto(p) for p in passages]

    def search(
        self,
        agent_id: str,
        query: str,
        top_k: int = 5,
        tags: list[str] | None = None,
        tag_match_mode: str = "any",
        start_datetime: datetime | str | None = None,
        end_datetime: datetime | str | None = None,
    ) -> list[Passage]:
        """The agent's archival search (its own archive plus attached sources), best first, with scores."""
        mode = {"any": arch.TAG_MATCH_MODE_ANY, "all": arch.TAG_MATCH_MODE_ALL}[tag_match_mode]
        request = arch.SearchPassagesRequest(
            agent_id=agent_id, query=query, top_k=top_k, tags=tags or [], tag_match_mode=mode
        )
        if start_datetime is not None:
            request.start_time.CopyFrom(_convert.timestamp(start_datetime))
        if end_datetime is not None:
            request.end_time.CopyFrom(_convert.timestamp(end_datetime))
        resp = self._t.unary(self._stub.SearchPassages, request)
        return [Passage.from_proto(r.passage, r.score) for r in resp.results]

    def delete(self, agent_id: str, memory_id: str) -> None:
        self._t.unary(self._stub.DeletePassage, arch.DeletePassageRequest(passage_id=memory_id))


class SourceFiles:
    def __init__(self, t: Transport) -> None:
        self._t, self._stub = t, _stub(t)

    def upload(
        self,
        source_id: str,
        file: IO[bytes] | str | os.PathLike[str],
        file_name: str | None = None,
        content_type: str | None = None,
    ) -> Job:
        """Streams a file to the source and returns its ingestion job at once (poll client.jobs)."""
        handle = open(file, "rb") if isinstance(file, (str, os.PathLike)) else file  # noqa: SIM115
        name = file_name or os.path.basename(getattr(handle, "name", "") or "upload")
        ctype = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"

        def requests() -> Iterator[arch.UploadFileRequest]:
            yield arch.UploadFileRequest(
                header=arch.UploadFileHeader(source_id=source_id, file_name=name, content_type=ctype)
            )
            while chunk := handle.read(_CHUNK):
                yield arch.UploadFileRequest(chunk=chunk)

        try:
            resp = self._t.unary(self._stub.UploadFile, requests())
        finally:
            if handle is not file:
                handle.close()
        return Job.from_proto(resp.job)

    def list(self, source_id: str) -> list[Any]:
        resp = self._t.unary(
            self._stub.ListSourceFiles, arch.ListSourceFilesRequest(source_id=source_id, page_size=1000)
        )
        return list(resp.files)


class Sources:
    def __init__(self, t: Transport) -> None:
        self._t, self._stub = t, _stub(t)
        self.files = SourceFiles(t)

    def create(
        self, name: str, embedding: str = "", description: str = "", metadata: dict[str, str] | None = None
    ) -> Source:
        resp = self._t.unary(
            self._stub.CreateSource,
            arch.CreateSourceRequest(
                name=name, embedding=embedding, description=description, metadata=metadata or {}
            ),
        )
        return Source.from_proto(resp.source)

    def retrieve(self, source_id: str) -> Source:
        return Source.from_proto(
            self._t.unary(self._stub.GetSource, arch.GetSourceRequest(source_id=source_id)).source
        )

    def list(self) -> list[Source]:
        sources = self._t.pages(
            self._stub.ListSources,
            lambda size, token: arch.ListSourcesRequest(page_size=size, page_token=token),
            "sources",
            100_000,
        )
        return [Source.from_proto(s) for s in sources]

    def delete(self, source_id: str) -> None:
        self._t.unary(self._stub.DeleteSource, arch.DeleteSourceRequest(source_id=source_id))


class Jobs:
    def __init__(self, t: Transport) -> None:
        self._t, self._stub = t, _stub(t)

    def retrieve(self, job_id: str) -> Job:
        return Job.from_proto(self._t.unary(self._stub.GetJob, arch.GetJobRequest(job_id=job_id)).job)

    def watch(self, job_id: str, timeout: float | None = None) -> Iterator[Job]:
        """Yields the job each time its status or progress changes, until it completes or fails."""
        for event in self._t.stream(self._stub.WatchJob, arch.WatchJobRequest(job_id=job_id), timeout):
            yield Job.from_proto(event.job)

    def wait(self, job_id: str, timeout: float = 600.0, poll_seconds: float = 0.2) -> Job:
        deadline = time.monotonic() + timeout
        job = self.retrieve(job_id)
        while job.status not in ("completed", "failed") and time.monotonic() < deadline:
            time.sleep(poll_seconds)
            job = self.retrieve(job_id)
        return job


class AgentSources:
    def __init__(self, t: Transport, agents: Any) -> None:
        self._t, self._stub, self._agents = t, _stub(t), agents

    def attach(self, agent_id: str, source_id: str) -> Any:
        """Makes the source's passages searchable by the agent; returns the agent's state."""
        self._t.unary(
            self._stub.AttachSource, arch.AttachSourceRequest(agent_id=agent_id, source_id=source_id)
        )
        return self._agents.retrieve(agent_id)

    def detach(self, agent_id: str, source_id: str) -> Any:
        self._t.unary(
            self._stub.DetachSource, arch.DetachSourceRequest(agent_id=agent_id, source_id=source_id)
        )
        return self._agents.retrieve(agent_id)

    def list(self, agent_id: str) -> list[Source]:
        resp = self._t.unary(self._stub.ListAgentSources, arch.ListAgentSourcesRequest(agent_id=agent_id))
        return [Source.from_proto(s) for s in resp.sources]
