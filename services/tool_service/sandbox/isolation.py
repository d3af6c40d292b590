"""How a worker process is launched: under bubblewrap when it works here, else plain + limits.

bubblewrap gives the worker private mount, PID, network, IPC and UTS namespaces: the filesystem
it sees is the interpreter, the memvisor client package and /usr, all read-only, plus private
tmpfs `/workspace` and `/tmp`; the service's data directory, source tree and /proc of the host
do not exist there. Without bubblewrap (some Kubernetes pods forbid the namespaces it needs) the
worker is an ordinary child with resource limits, a scrubbed environment and a private
directory; the status RPC says which protections are missing.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

from tool_service.settings import ToolSettings

log = logging.getLogger(__name__)

WORKER_SCRIPT = Path(__file__).with_name("worker.py")
COMPAT_DIR = Path(__file__).with_name("compat")
# memvisor's Python client (clients/python): importable by tools, read-only.
CLIENT_DIR = Path(__file__).resolve().parents[3] / "clients" / "python"
# Fixed paths inside a bwrap sandbox.
SANDBOX_WORKDIR = "/workspace"
SANDBOX_RUNTIME_DIR = "/opt/memvisor"
SANDBOX_SOCKET_PATH = "/run/memvisor/memvisor.sock"
_TMPFS_BYTES = 256 * 1024 * 1024
_BASE_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}


@dataclass
class Isolation:
    """The launch recipe every worker of this service uses, decided once at start."""

    use_bwrap: bool
    drop_to: tuple[int, int] | None  # (uid, gid) the worker switches to, when we are root
    network_isolated: bool
    notes: list[str] = field(default_factory=list)
    bwrap: str = "bwrap"
    socket_host_path: str | None = None  # a unix socket bind-mounted at SANDBOX_SOCKET_PATH
    settings: ToolSettings = field(default_factory=ToolSettings)

    @property
    def filesystem_isolated(self) -> bool:
        return self.use_bwrap

    @property
    def user_separated(self) -> bool:
        return self.drop_to is not None

    def worker_paths(self) -> list[str]:
        """sys.path entries the worker prepends: the client package and compatibility shims."""
        site = _site_packages()
        if self.use_bwrap:
            return [f"{SANDBOX_RUNTIME_DIR}/client", f"{SANDBOX_RUNTIME_DIR}/compat", *site]
        return [str(CLIENT_DIR), str(COMPAT_DIR), *site]

    def command(self, result_fd: int, workdir: str | None) -> list[str]:
        """argv for one worker; `workdir` is the host directory used without bwrap."""
        worker = f"{SANDBOX_RUNTIME_DIR}/worker.py" if self.use_bwrap else str(WORKER_SCRIPT)
        argv = [sys.executable, "-I", "-S", "-B", worker, "--result-fd", str(result_fd)]
        for path in self.worker_paths():
            argv += ["--path", path]
        if self.drop_to is not None:
            argv += ["--drop-uid", str(self.drop_to[0]), "--drop-gid", str(self.drop_to[1])]
        if not self.use_bwrap:
            return argv
        return [*self.bwrap_prefix(), *argv]

    def bwrap_prefix(self) -> list[str]:
        args = [self.bwrap, "--die-with-parent", "--new-session",
                "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try",
                "--hostname", "sandbox"]
        if not self.settings.allow_network:
            args.append("--unshare-net")
        if os.geteuid() == 0:
            # Privileged bwrap (no user namespace), so the worker can still switch to the sandbox
            # uid; every other capability is gone before our code runs.
            args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            args += ["--unshare-user"]
        binds: list[tuple[str, str, str]] = [("--ro-bind", "/usr", "/usr")]
        for name in ("bin", "lib", "lib64", "sbin"):
            target = Path("/") / name
            if target.is_symlink():
                args += ["--symlink", os.readlink(target), str(target)]
            elif target.is_dir():
                binds.append(("--ro-bind", str(target), str(target)))
        for etc in ("/etc/ld.so.cache", "/etc/localtime", "/etc/ssl", "/etc/ca-certificates"):
            binds.append(("--ro-bind-try", etc, etc))
        binds += [("--ro-bind", path, path) for path in _python_roots()]
        binds += [("--ro-bind-try", str(p), str(p)) for p in self.settings.extra_ro_paths]
        binds += [("--ro-bind", str(WORKER_SCRIPT), f"{SANDBOX_RUNTIME_DIR}/worker.py"),
                  ("--ro-bind", str(COMPAT_DIR), f"{SANDBOX_RUNTIME_DIR}/compat"),
                  ("--ro-bind", str(CLIENT_DIR), f"{SANDBOX_RUNTIME_DIR}/client")]
        if self.socket_host_path:
            binds.append(("--bind", self.socket_host_path, SANDBOX_SOCKET_PATH))
        # Mounts apply in order: the private tmpfs directories go first so that read-only binds
        # beneath them (a checkout and venv under /tmp, say) land on top instead of being hidden.
        args += ["--dev", "/dev", "--proc", "/proc",
                 "--size", str(_TMPFS_BYTES), "--perms", "1777", "--tmpfs", "/tmp",
                 "--size", str(_TMPFS_BYTES), "--perms", "0777", "--tmpfs", SANDBOX_WORKDIR]
        # bwrap creates missing parents of a mount point as 0700, which the sandbox uid could
        # not traverse (e.g. /root above a pyenv interpreter): create them 0755 first.
        made: set[str] = set()
        for _, _, dest in binds:
            for parent in reversed(Path(dest).parents):
                p = str(parent)
                if p not in ("/", "/usr", "/etc") and not p.startswith("/usr/") and p not in made:
                    made.add(p)
                    args += ["--perms", "0755", "--dir", p]
        for kind, src, dest in binds:
            args += [kind, src, dest]
        args += ["--chdir", SANDBOX_WORKDIR]
        return args

    def spawn_env(self) -> dict[str, str]:
        """The worker's environment before a call: nothing of the service's."""
        return dict(_BASE_ENV)

    def call_env(self, workdir: str) -> dict[str, str]:
        """The base of a call's environment (the caller's variables are layered on top)."""
        return {**_BASE_ENV, "HOME": workdir, "TMPDIR": workdir}


def _site_packages() -> list[str]:
    paths = sysconfig.get_paths()
    return list(dict.fromkeys(p for p in (paths["purelib"], paths["platlib"]) if os.path.isdir(p)))


def _python_roots() -> list[str]:
    """Directories the interpreter and its packages live in (mounted read-only, same path)."""
    candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                  os.path.dirname(os.path.realpath(sys.executable)),
                  sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    roots: list[str] = []
    for path in sorted(os.path.realpath(p) for p in candidates if p):
        if path.startswith("/usr/") or any(path == r or path.startswith(r + "/") for r in roots):
            continue
        roots.append(path)
    # The venv itself may be a symlink farm; mount the unresolved prefix too.
    for path in (sys.prefix,):
        if path not in roots and not path.startswith("/usr/"):
            roots.append(path)
    return roots


def _probe(argv: list[str], env: dict[str, str]) -> str | None:
    """Runs a tiny program the way workers will run; None when it worked, else why not."""
    try:
        # No user=/group= here: those make subprocess fork instead of vfork, and a fork while
        # gRPC's threads run can fail in the child.
        proc = subprocess.run(argv, env=env, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    if proc.returncode != 0:
        return (proc.stderr.decode(errors="replace").strip().splitlines() or [f"exit {proc.returncode}"])[-1]
    return None


def detect(settings: ToolSettings, socket_host_path: str | None) -> Isolation:
    """Decides how workers run here, by trying it (bwrap can exist yet be forbidden by the kernel)."""
    root = os.geteuid() == 0
    drop = (settings.sandbox_uid, settings.sandbox_gid) if root else None
    notes: list[str] = []
    bwrap = shutil.which(settings.bwrap_path)
    if settings.use_bwrap is not False and bwrap:
        iso = Isolation(True, drop, not settings.allow_network, notes, bwrap, socket_host_path, settings)
        # The real launch prefix with a one-liner that does what the worker does first.
        probe = [*iso.bwrap_prefix(), sys.executable, "-I", "-c", _probe_code(drop)]
        why = _probe(probe, iso.spawn_env())
        if why is None:
            if settings.allow_network:
                iso.notes.append("allow_network is set: tools share the host's network")
            return iso
        notes.append(f"bubblewrap is installed but cannot create a sandbox here: {why}")
        if settings.use_bwrap:
            raise RuntimeError(f"use_bwrap=true but bubblewrap does not work here: {why}")
    elif settings.use_bwrap is not False:
        notes.append("bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap")
        if settings.use_bwrap:
            raise RuntimeError("use_bwrap=true but bwrap was not found")
    else:
        notes.append("bubblewrap disabled by settings (use_bwrap=false)")
    notes.append("no filesystem isolation: tools can read whatever the sandbox uid can read")
    if not settings.allow_network:
        notes.append("no network namespace: sockets are refused in Python only (bypassable through ctypes)")
    if root:
        # Drop to the sandbox uid, then start the interpreter again as that uid (as workers do).
        reexec = (f"import os,sys;{_probe_code(drop)};"
                  "os.execv(sys.executable,[sys.executable,'-I','-S','-c','import json'])")
        why = _probe([sys.executable, "-I", "-c", reexec], dict(_BASE_ENV))
        if why is not None:
            notes.append(f"running tools as root: uid {settings.sandbox_uid} cannot start {sys.executable} "
                         f"({why}); RLIMIT_NPROC is not enforced for root")
            drop = None
    else:
        notes.append("tools run under the service's own uid: they can signal the service and read its files")
    iso = Isolation(False, drop, False, notes, "", None, settings)
    for note in notes:
        log.warning("tool sandbox: %s", note)
    return iso


def _probe_code(drop: tuple[int, int] | None) -> str:
    if drop is None:
        return "import json"
    uid, gid = drop
    return f"import os;os.setgroups([]);os.setresgid({gid},{gid},{gid});os.setresuid({uid},{uid},{uid})"


def count_user_tasks(uid: int) -> int:
    """Tasks (processes and threads) owned by `uid`: RLIMIT_NPROC counts these per user."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid == uid:
                total += len(os.listdir(f"/proc/{entry.name}/task"))
        except OSError:
            continue
    return total
