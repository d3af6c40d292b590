"""gRPC servicer: converts messages and delegates to the managers (domain errors are mapped by
the shared interceptor). Also callable in-process by the orchestrator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from memvisor.archival.v1 import archival_service_pb2 as api
from memvisor.archival.v1 import archival_service_pb2_grpc as api_grpc

from archival_service import convert
from archival_service.manager import ArchiveManager, SearchFilter
from archival_service.source_manager import SourceManager, UploadHeader
from memvisor_common.errors import InvalidArgument
from memvisor_common.request_context import current_tenant
from memvisor_common.timeutil import from_timestamp


class ArchivalServicer(api_grpc.ArchivalServiceServicer):
    def __init__(self, archives: ArchiveManager, sources: SourceManager) -> None:
        self.archives = archives
        self.sources = sources

    # --- archives and passages ----------------------------------------------------------

    async def CreateAgentArchive(self, request: api.CreateAgentArchiveRequest, context: Any):
        row = await self.archives.create_agent_archive(current_tenant(), request.agent_id, request.embedding)
        return api.CreateAgentArchiveResponse(archive=convert.archive_pb(row))

    async def DeleteAgentArchival(self, request: api.DeleteAgentArchivalRequest, context: Any):
        await self.archives.delete_agent_archival(current_tenant(), request.agent_id)
        return api.DeleteAgentArchivalResponse()

    async def GetArchivalStats(self, request: api.GetArchivalStatsRequest, context: Any):
        stats = await self.archives.stats(current_tenant(), request.agent_id)
        return api.GetArchivalStatsResponse(passage_count=stats.passage_count,
                                            source_passage_count=stats.source_passage_count, tags=stats.tags)

    async def InsertPassages(self, request: api.InsertPassagesRequest, context: Any):
        rows = await self.archives.insert(current_tenant(), request.agent_id,
                                          [convert.passage_input(p) for p in request.passages])
        return api.InsertPassagesResponse(passages=[convert.passage_pb(r) for r in rows])

    async def SearchPassages(self, request: api.SearchPassagesRequest, context: Any):
        filters = SearchFilter(
            tags=list(request.tags),
            match_all=request.tag_match_mode == api.TAG_MATCH_MODE_ALL,
            start=from_timestamp(request.start_time, request.HasField("start_time")),
            end=from_timestamp(request.end_time, request.HasField("end_time")),
        )
        hits = await self.archives.search(current_tenant(), request.agent_id, request.query, request.top_k, filters)
        return api.SearchPassagesResponse(results=[convert.hit_pb(h) for h in hits])

    async def ListPassages(self, request: api.ListPassagesRequest, context: Any):
        rows, token = await self.archives.list(current_tenant(), request.agent_id, request.page_size,
                                               request.page_token)
        return api.ListPassagesResponse(passages=[convert.passage_pb(r) for r in rows], next_page_token=token)

    async def DeletePassage(self, request: api.DeletePassageRequest, context: Any):
        await self.archives.delete_passage(current_tenant(), request.passage_id)
        return api.DeletePassageResponse()

    async def Embed(self, request: api.EmbedRequest, context: Any):
        vectors, model = await self.archives.embed(request.embedding, list(request.texts))
        return api.EmbedResponse(embeddings=[api.Embedding(values=v.tolist()) for v in vectors],
                                 dimension=int(vectors.shape[1]), model=model)

    # --- sources, files, jobs ---------------------------------------------------------------

    async def CreateSource(self, request: api.CreateSourceRequest, context: Any):
        view = await self.sources.create_source(current_tenant(), request.name, request.description,
                                                request.embedding, dict(request.metadata))
        return api.CreateSourceResponse(source=convert.source_pb(view))

    async def GetSource(self, request: api.GetSourceRequest, context: Any):
        return api.GetSourceResponse(source=convert.source_pb(await self.sources.get_source(current_tenant(),
                                                                                            request.source_id)))

    async def ListSources(self, request: api.ListSourcesRequest, context: Any):
        views, token = await self.sources.list_sources(current_tenant(), request.page_size, request.page_token)
        return api.ListSourcesResponse(sources=[convert.source_pb(v) for v in views], next_page_token=token)

    async def DeleteSource(self, request: api.DeleteSourceRequest, context: Any):
        await self.sources.delete_source(current_tenant(), request.source_id)
        return api.DeleteSourceResponse()

    async def UploadFile(self, request_iterator: AsyncIterator[api.UploadFileRequest], context: Any):
        iterator = request_iterator.__aiter__()
        try:
            first = await iterator.__anext__()
        except StopAsyncIteration:
            raise InvalidArgument("header", "the first message must be the upload header") from None
        if first.WhichOneof("payload") != "header":
            raise InvalidArgument("header", "the first message must be the upload header")
        header = UploadHeader(first.header.source_id, first.header.file_name, first.header.content_type)

        async def chunks() -> AsyncIterator[bytes]:
            async for message in iterator:
                if message.WhichOneof("payload") == "header":
                    raise InvalidArgument("header", "only the first message may be a header")
                yield message.chunk

        file, job = await self.sources.upload(current_tenant(), header, chunks())
        return api.UploadFileResponse(file=convert.file_pb(file), job=convert.job_pb(job))

    async def ListSourceFiles(self, request: api.ListSourceFilesRequest, context: Any):
        rows, token = await self.sources.list_files(current_tenant(), request.source_id, request.page_size,
                                                    request.page_token)
        return api.ListSourceFilesResponse(files=[convert.file_pb(r) for r in rows], next_page_token=token)

    async def GetJob(self, request: api.GetJobRequest, context: Any):
        return api.GetJobResponse(job=convert.job_pb(await self.sources.get_job(current_tenant(), request.job_id)))

    async def WatchJob(self, request: api.WatchJobRequest, context: Any):
        async for job in self.sources.watch_job(current_tenant(), request.job_id):
            yield api.WatchJobResponse(job=convert.job_pb(job))

    async def AttachSource(self, request: api.AttachSourceRequest, context: Any):
        view = await self.sources.attach(current_tenant(), request.agent_id, request.source_id)
        return api.AttachSourceResponse(source=convert.source_pb(view))

    async def DetachSource(self, request: api.DetachSourceRequest, context: Any):
        await self.sources.detach(current_tenant(), request.agent_id, request.source_id)
        return api.DetachSourceResponse()

    async def ListAgentSources(self, request: api.ListAgentSourcesRequest, context: Any):
        views = await self.sources.list_agent_sources(current_tenant(), request.agent_id)
        return api.ListAgentSourcesResponse(sources=[convert.source_pb(v) for v in views])
