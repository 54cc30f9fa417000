"""gunicorn for the HTTP benchmarks: the production shape, started and stopped by the bench.

The environment is `make up`'s (DJANGO_DEBUG=false, a secret key, ALLOWED_HOSTS
127.0.0.1, the HTTPS-only settings off because the load generator speaks plain HTTP),
with the benchmark's database and a Redis database of its own for the cache, and
DJANGO_SETTINGS_MODULE=bench.settings (config.settings plus the bare view).

gunicorn runs `config.wsgi:application` like the Procfile: W sync workers by default
(a worker per request in flight; the server closes the connection after each response,
as it would behind a proxy), or `--worker-class gthread --threads T` for keep-alive.
Its access log is off: the app's own request log line (RequestIdMiddleware, JSON) is
kept, written with everything else the server prints to a log file that is shown if
the server fails and deleted otherwise.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-only-not-a-secret-5b1e9c3a7d2f4e6a8c0b1d3f5a7e9c2b4d6f8a0c"  # noqa: S105
READY_PATH = "/bench/bare/"


def redis_url() -> str:
    """BENCH_REDIS_URL, or REDIS_URL's server with database 12, or the local one."""
    if os.environ.get("BENCH_REDIS_URL"):
        return os.environ["BENCH_REDIS_URL"]
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit((parts.scheme, parts.netloc, "/12", "", ""))


def database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def production_env(database: str, redis: str) -> dict[str, str]:
    """The variables `make up` sets (UP_ENV), pointed at the benchmark's database."""
    return {
        "DATABASE_URL": database_url(database),
        "REDIS_URL": redis,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
    }


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path
    description: str
    keep_log: bool = False  # set when responses were wrong: the log says why

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def children(pid: int) -> list[int]:
    """A process's child processes (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU time of each process still alive (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    times = {}
    for pid in pids:
        with suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            times[pid] = (int(fields[11]) + int(fields[12])) / tick
    return times


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    tick = os.sysconf("SC_CLK_TCK")
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return (total - idle) / tick, total / tick


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


@contextmanager
def serving(
    *, database: str, redis: str, workers: int, worker_class: str = "sync", threads: int = 1
) -> Iterator[Server]:
    """Start gunicorn on a free port, wait until it answers, stop it (and its workers)."""
    port = _free_port()
    env = {**os.environ, **production_env(database, redis)}
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env.setdefault("DJANGO_LOG_LEVEL", "INFO")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--backlog",
        "2048",
        "--graceful-timeout",
        "5",
        "--forwarded-allow-ips",
        "127.0.0.1",
    ]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    description = f"gunicorn {worker_class}, {workers} workers" + (
        f" x {threads} threads" if worker_class == "gthread" else ""
    )
    log = Path(tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1])
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own command line)
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(port, process, log, description)
    failed = True
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {process.returncode}:\n{server.log_tail()}"
                )
            try:
                status = _get(port, READY_PATH)
            except OSError:
                status = None
            if status == 302:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"gunicorn did not answer {READY_PATH} with 302 ({status}):\n"
                    f"{server.log_tail()}"
                )
            time.sleep(0.2)
        yield server
        failed = False
    finally:
        _stop(process)
        if failed or server.keep_log:
            print(f"gunicorn log kept at {log}", file=sys.stderr)
        else:
            log.unlink(missing_ok=True)


def _stop(process: subprocess.Popen) -> None:
    """TERM the master (graceful, 5 s), then KILL its process group if anything is left."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # the group we started: master and workers
    process.wait()
