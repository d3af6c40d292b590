"""The bubblewrap recipe: private tmpfs directories are mounted before the read-only binds, so an
interpreter or venv that lives under /tmp (a CI checkout, say) is still visible inside the sandbox."""

from __future__ import annotations

from tool_service.sandbox.isolation import Isolation
from tool_service.settings import ToolSettings


def test_tmpfs_mounts_come_before_every_bind():
    args = Isolation(use_bwrap=True, drop_to=None, network_isolated=True,
                     settings=ToolSettings(extra_ro_paths=["/tmp/some-checkout/.venv"])).bwrap_prefix()
    tmpfs_at = max(i for i, a in enumerate(args) if a == "--tmpfs")
    binds = [i for i, a in enumerate(args) if a in ("--ro-bind", "--ro-bind-try", "--bind")]
    assert binds and tmpfs_at < min(binds)
    assert "/tmp/some-checkout/.venv" in args
    assert args[-2:] == ["--chdir", "/workspace"]
