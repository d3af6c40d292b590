"""Sources, file upload (client-streaming), jobs (polled and watched), attachment, every file type."""

from __future__ import annotations

import asyncio
import io
import json

import grpc
import pytest
from memvisor.archival.v1 import archival_service_pb2 as api
from memvisor.archival.v1 import source_pb2
from memvisor_suite.sample_documents import HANDBOOK, VACATION  # noqa: F401

from .helpers import agent_id, expect_error, make_pdf

MINILM = "local/all-minilm-l6-v2"


def upload_messages(source_id: str, name: str, data: bytes, chunk: int = 1000, content_type: str = ""):
    async def gen():
        yield api.UploadFileRequest(header=api.UploadFileHeader(source_id=source_id, file_name=name,
                                                                content_type=content_type))
        for i in range(0, len(data), chunk):
            yield api.UploadFileRequest(chunk=data[i : i + chunk])

    return gen()


async def wait_job(client, job_id: str, timeout: float = 30) -> source_pb2.Job:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        job = (await client.GetJob(api.GetJobRequest(job_id=job_id))).job
        if job.status in (source_pb2.JOB_STATUS_COMPLETED, source_pb2.JOB_STATUS_FAILED):
            return job
        assert asyncio.get_running_loop().time() < deadline, job
        await asyncio.sleep(0.05)


async def new_source(client, name: str = "employee_handbook", embedding: str = "") -> source_pb2.Source:
    return (await client.CreateSource(api.CreateSourceRequest(name=name, embedding=embedding))).source


async def test_seed_handbook_pdf_rag(archival) -> None:
    """The seed's walkthrough: a PDF handbook, a job polled to completion, attach, search."""
    client, _ = archival
    source = await new_source(client, embedding=MINILM)
    assert source.embedding_dim == 384
    upload = await client.UploadFile(upload_messages(source.id, "handbook.pdf", make_pdf(HANDBOOK), chunk=500))
    assert upload.job.status == source_pb2.JOB_STATUS_PENDING and upload.file.size_bytes > 0
    job = await wait_job(client, upload.job.id)
    assert job.status == source_pb2.JOB_STATUS_COMPLETED, job.failure_reason
    assert job.progress == 1.0 and job.total_chunks == job.processed_chunks >= 4

    agent = agent_id()
    await client.CreateAgentArchive(api.CreateAgentArchiveRequest(agent_id=agent, embedding=MINILM))
    # Not attached yet: nothing found.
    res = await client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="vacation policies"))
    assert not res.results
    attached = await client.AttachSource(api.AttachSourceRequest(agent_id=agent, source_id=source.id))
    assert attached.source.passage_count == job.total_chunks
    res = await client.SearchPassages(api.SearchPassagesRequest(
        agent_id=agent, query="Search archival for our company's vacation policies", top_k=3))
    top = res.results[0].passage
    assert "twenty days of paid vacation" in top.text
    assert top.source_id == source.id and top.file_id == upload.file.id
    assert top.metadata["file_name"] == "handbook.pdf" and top.metadata["page"] == "3"
    stats = await client.GetArchivalStats(api.GetArchivalStatsRequest(agent_id=agent))
    assert stats.passage_count == 0 and stats.source_passage_count == job.total_chunks
    listed = await client.ListAgentSources(api.ListAgentSourcesRequest(agent_id=agent))
    assert [s.id for s in listed.sources] == [source.id]

    await client.DetachSource(api.DetachSourceRequest(agent_id=agent, source_id=source.id))
    res = await client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="vacation policies"))
    assert not res.results


def _docx_bytes() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Quarterly report: the zebra project shipped on time.")
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "owner"
    table.rows[0].cells[1].text = "giraffe team"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


FILES = {
    "notes.txt": b"The zebra crossing is on Main Street.\n\nThe giraffe lives in the zoo.",
    "readme.md": b"# Title\n\nThe zebra section explains things.\n\n- giraffe bullet",
    "page.html": b"<html><head><title>t</title><script>var zebra_hidden=1;</script></head>"
                 b"<body><h1>Zebra facts</h1><p>A giraffe &amp; a zebra.</p></body></html>",
    "data.json": json.dumps([{"animal": "zebra", "legs": 4}, {"animal": "giraffe", "legs": 4}]).encode(),
    "data.jsonl": b'{"animal": "zebra"}\n\n{"animal": "giraffe"}\n',
    "table.csv": b"animal,home\nzebra,savanna\ngiraffe,savanna\n",
    "report.docx": None,
}


@pytest.mark.parametrize("name", sorted(FILES))
async def test_each_file_type(archival, name: str) -> None:
    client, _ = archival
    source = await new_source(client, name=f"src-{name}")
    data = FILES[name] if FILES[name] is not None else _docx_bytes()
    upload = await client.UploadFile(upload_messages(source.id, name, data, chunk=7))
    job = await wait_job(client, upload.job.id)
    assert job.status == source_pb2.JOB_STATUS_COMPLETED, job.failure_reason
    agent = agent_id()
    await client.AttachSource(api.AttachSourceRequest(agent_id=agent, source_id=source.id))
    res = await client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="zebra giraffe", top_k=10))
    text = " ".join(r.passage.text for r in res.results)
    assert "zebra" in text.lower() and "giraffe" in text.lower()
    if name == "page.html":
        assert "zebra_hidden" not in text
    files = await client.ListSourceFiles(api.ListSourceFilesRequest(source_id=source.id))
    assert files.files[0].file_name == name and files.files[0].passage_count == len(res.results)


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("virus.exe", b"MZ\x90\x00", "unsupported file type '.exe'"),
    ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
    ("broken.json", b'{"a": ', "invalid JSON"),
    ("latin1.txt", "caf\xe9".encode("latin-1"), "UTF-8"),
    ("empty.txt", b"", "no text"),
    ("broken.docx", b"PK not a zip", "DOCX"),
])
async def test_bad_files_fail_their_job(archival, name: str, data: bytes, reason: str) -> None:
    client, _ = archival
    source = await new_source(client, name=f"bad-{name}")
    upload = await client.UploadFile(upload_messages(source.id, name, data))
    job = await wait_job(client, upload.job.id)
    assert job.status == source_pb2.JOB_STATUS_FAILED
    assert reason in job.failure_reason
    assert (await client.GetSource(api.GetSourceRequest(source_id=source.id))).source.passage_count == 0


async def test_watch_job_streams_progress(start_host, server_settings, archival_settings) -> None:
    from archival_service.component import ArchivalComponent

    from .helpers import stub

    # Small chunks make many embedding batches, so there is progress to watch.
    port = await start_host([ArchivalComponent(server_settings, archival_settings(chunk_words=12,
                                                                                  chunk_overlap_words=2))])
    channel, client = stub(port)
    source = await new_source(client, embedding=MINILM)
    text = "\n\n".join(f"Paragraph {i} talks about topic {i} in some detail." for i in range(300)).encode()
    upload = await client.UploadFile(upload_messages(source.id, "big.txt", text, chunk=4096))
    states = [r.job async for r in client.WatchJob(api.WatchJobRequest(job_id=upload.job.id))]
    assert states[-1].status == source_pb2.JOB_STATUS_COMPLETED
    assert states[-1].progress == 1.0 and states[-1].total_chunks >= 200
    seen = [s.status for s in states]
    assert seen == sorted(seen)  # never goes backwards
    assert len(states) >= 3
    progress = [s.progress for s in states]
    assert progress == sorted(progress)
    await channel.close()


async def test_source_crud_and_errors(archival) -> None:
    client, _ = archival
    source = await new_source(client, name="s1")
    await expect_error(client.CreateSource(api.CreateSourceRequest(name="s1")),
                       grpc.StatusCode.ALREADY_EXISTS, "SOURCE_ALREADY_EXISTS")
    await expect_error(client.CreateSource(api.CreateSourceRequest(name="")), grpc.StatusCode.INVALID_ARGUMENT)
    for i in range(3):
        await new_source(client, name=f"more-{i}")
    page = await client.ListSources(api.ListSourcesRequest(page_size=2))
    page2 = await client.ListSources(api.ListSourcesRequest(page_size=2, page_token=page.next_page_token))
    assert len(page.sources) == 2 and len(page2.sources) == 2 and not page2.next_page_token
    assert page.sources[0].id == source.id

    missing = "source-00000000-0000-4000-8000-000000000000"
    await expect_error(client.GetSource(api.GetSourceRequest(source_id=missing)),
                       grpc.StatusCode.NOT_FOUND, "SOURCE_NOT_FOUND")
    await expect_error(client.UploadFile(upload_messages(missing, "a.txt", b"x")),
                       grpc.StatusCode.NOT_FOUND, "SOURCE_NOT_FOUND")
    await expect_error(client.AttachSource(api.AttachSourceRequest(agent_id=agent_id(), source_id=missing)),
                       grpc.StatusCode.NOT_FOUND)
    await expect_error(client.GetJob(api.GetJobRequest(job_id="job-00000000-0000-4000-8000-000000000000")),
                       grpc.StatusCode.NOT_FOUND, "JOB_NOT_FOUND")

    async def no_header():
        yield api.UploadFileRequest(chunk=b"abc")

    await expect_error(client.UploadFile(no_header()), grpc.StatusCode.INVALID_ARGUMENT)

    upload = await client.UploadFile(upload_messages(source.id, "a.txt", b"the zebra file"))
    await wait_job(client, upload.job.id)
    agent = agent_id()
    await client.AttachSource(api.AttachSourceRequest(agent_id=agent, source_id=source.id))
    await client.DeleteSource(api.DeleteSourceRequest(source_id=source.id))
    assert not (await client.SearchPassages(api.SearchPassagesRequest(agent_id=agent, query="zebra"))).results
    assert not (await client.ListAgentSources(api.ListAgentSourcesRequest(agent_id=agent))).sources
    await expect_error(client.GetSource(api.GetSourceRequest(source_id=source.id)), grpc.StatusCode.NOT_FOUND)


async def test_upload_limit(start_host, server_settings, archival_settings) -> None:
    from archival_service.component import ArchivalComponent

    from .helpers import stub

    port = await start_host([ArchivalComponent(server_settings, archival_settings(max_upload_bytes=1000))])
    channel, client = stub(port)
    source = await new_source(client)
    await expect_error(client.UploadFile(upload_messages(source.id, "big.txt", b"x" * 5000)),
                       grpc.StatusCode.RESOURCE_EXHAUSTED, "UPLOAD_TOO_LARGE")
    assert (await client.GetSource(api.GetSourceRequest(source_id=source.id))).source.file_count == 0
    await channel.close()
