"""A lean HTTP/1.1 load generator for the redirect and postback benchmarks.

No dependencies and no Django: P processes (forked), each driving C/P connections to
127.0.0.1 with non-blocking sockets and a selector, one request in flight per connection,
for a fixed time. Keep-alive is used when the server allows it (gunicorn's sync workers
close after every response, so then each request opens a connection, as behind a proxy).

Each request is built from a `Load`: a path and headers with `{name}` placeholders, filled
from lists of values cycled across all processes, and `{seq}`, unique within the run (for
transaction ids). Every response is checked (status, optionally a body substring and a
Location prefix); anything else is counted as an error with a sample kept for the report.
Only responses that arrive within the measured window (after the warm-up) are counted.
"""

import errno
import selectors
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing import get_context

# A desktop browser: the hot paths parse the user agent, and a script's would read as a bot.
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


@dataclass
class Load:
    name: str
    path: str
    values: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    expect_status: int = 200
    expect_body: bytes = b""  # a substring the body must contain
    expect_location: str = ""  # a prefix the Location header must start with


@dataclass
class Result:
    name: str
    seconds: float
    requests: int
    latencies: list[float]  # seconds, of the counted requests
    errors: Counter
    samples: list[str]  # a few error descriptions
    succeeded: int = 0  # every expected response, counted or not (warm-up, late)
    # Filled in by the caller, who knows the server: CPU seconds its app processes and its
    # database backends used over the whole run, and how busy the machine was (0 to 1).
    client_cpu: float = 0.0  # this load generator's own CPU seconds
    app_cpu: float | None = None
    db_cpu: float | None = None
    machine_busy: float | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def cpu_per_request(self, seconds: float | None) -> float:
        """Milliseconds of CPU per expected response (warm-up included on both sides)."""
        if seconds is None or not self.succeeded:
            return float("nan")
        return seconds / self.succeeded * 1000

    def summary(self) -> str:
        errors = f"  errors {self.error_count} {dict(self.errors)}" if self.errors else ""
        cpu = ""
        if self.app_cpu is not None:
            cpu = (
                f"  CPU/req: app {self.cpu_per_request(self.app_cpu):5.2f} ms"
                f" db {self.cpu_per_request(self.db_cpu):5.2f}"
                f" load {self.cpu_per_request(self.client_cpu):4.2f}"
                f"  machine {self.machine_busy:4.0%} busy"
            )
        return (
            f"{self.name:22} {self.rps:8.0f} req/s  p50 {self.percentile(50) * 1000:6.2f} ms"
            f"  p99 {self.percentile(99) * 1000:6.2f} ms{cpu}  ({self.requests} requests){errors}"
        )


def run(
    load: Load,
    *,
    port: int,
    seconds: float,
    warmup: float = 1.0,
    concurrency: int = 8,
    processes: int = 2,
    tag: str = "",
    host: str = "127.0.0.1",
) -> Result:
    """Drive `load` for warmup + seconds; the figures cover the last `seconds`."""
    processes = max(1, min(processes, concurrency))
    shares = [concurrency // processes + (i < concurrency % processes) for i in range(processes)]
    ctx = get_context("fork")  # nothing to re-import; the parent only waits
    results, go = ctx.Queue(), ctx.Event()
    workers = [
        ctx.Process(
            target=_child,
            args=(
                results,
                go,
                load,
                host,
                port,
                proc,
                processes,
                shares[proc],
                warmup,
                seconds,
                tag,
            ),
            daemon=True,
        )
        for proc in range(processes)
    ]
    for worker in workers:
        worker.start()
    try:
        # Everyone starts together, once all are ready.
        for _ in workers:
            results.get(timeout=60)
        go.set()
        parts = [results.get(timeout=warmup + seconds + 120) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.terminate()
    result = Result(load.name, seconds, 0, [], Counter(), [])
    for requests, succeeded, latencies, errors, samples, cpu in parts:
        result.requests += requests
        result.succeeded += succeeded
        result.client_cpu += cpu
        result.latencies.extend(latencies)
        result.errors.update(errors)
        result.samples.extend(samples[: 5 - len(result.samples)])
    return result


def _child(results, go, *args) -> None:
    results.put("ready")
    go.wait()
    results.put(_drive(*args))


class _Conn:
    __slots__ = ("buf", "connecting", "head", "out", "reused", "sock", "started")

    def __init__(self):
        self.sock = None
        self.out = b""
        self.buf = bytearray()
        self.started = 0.0
        self.reused = False
        self.head = None  # (status, content length or None, chunked, close, header end)
        self.connecting = False


def _drive(load, host, port, proc, nprocs, conns, warmup, seconds, tag):
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    measure_from, stop_at = t0 + warmup, t0 + warmup + seconds
    sel = selectors.DefaultSelector()
    latencies: list[float] = []
    errors: Counter = Counter()
    samples: list[str] = []
    counted = succeeded = 0
    seq = proc
    head_lines = f"Host: {host}:{port}\r\nUser-Agent: {USER_AGENT}\r\nAccept: */*\r\n"
    values = {name: list(v) for name, v in load.values.items()}
    header_template = "".join(f"{k}: {v}\r\n" for k, v in load.headers.items())
    expect_status, expect_body = load.expect_status, load.expect_body
    expect_location = load.expect_location.encode()

    def build() -> bytes:
        nonlocal seq
        fill = {name: vals[seq % len(vals)] for name, vals in values.items()}
        fill["seq"] = f"{tag}{seq}"
        seq += nprocs
        path = load.path.format(**fill)
        extra = header_template.format(**fill) if header_template else ""
        return f"{load.method} {path} HTTP/1.1\r\n{head_lines}{extra}\r\n".encode()

    def fail(kind: str, detail: str) -> None:
        errors[kind] += 1
        if len(samples) < 5:
            samples.append(f"{kind}: {detail[:300]}")

    def close(c: _Conn) -> None:
        if c.sock is not None:
            sel.unregister(c.sock)
            c.sock.close()
            c.sock = None

    def connect(c: _Conn) -> None:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        code = s.connect_ex((host, port))
        if code not in (0, errno.EINPROGRESS):
            s.close()
            raise OSError(code, errno.errorcode.get(code, str(code)))
        c.sock, c.connecting, c.reused = s, True, False
        sel.register(s, selectors.EVENT_WRITE, c)

    def begin(c: _Conn, out: bytes | None = None) -> None:
        c.out = out or build()
        c.buf.clear()
        c.head = None
        c.started = time.perf_counter()
        if c.sock is None:
            while True:
                try:
                    return connect(c)
                except OSError as exc:
                    fail("connect", str(exc))
                    if time.perf_counter() >= stop_at:
                        return None
                    time.sleep(0.01)
        else:
            c.reused = True
            sel.modify(c.sock, selectors.EVENT_WRITE, c)

    def finished(c: _Conn) -> None:
        nonlocal counted, succeeded
        now = time.perf_counter()
        status, end = c.head[0], c.head[4]
        ok = status == expect_status
        if ok and expect_body and expect_body not in c.buf[end:]:
            ok = False
        if ok and expect_location:
            location = _header(c.buf[:end], b"location")
            ok = location is not None and location.startswith(expect_location)
        if not ok:
            fail(f"status {status}", bytes(c.buf[: end + 300]).decode("latin-1"))
            return _next(c, now)
        succeeded += 1
        if measure_from <= now <= stop_at:  # throughput: completions within the window
            counted += 1
            latencies.append(now - c.started)
        _next(c, now)

    def _next(c: _Conn, now: float) -> None:
        if c.head[3]:  # the server closes this connection
            close(c)
        if now < stop_at:
            begin(c)
        else:
            close(c)

    pool = [_Conn() for _ in range(conns)]
    for c in pool:
        begin(c)
    active = conns
    while active:
        active = sum(1 for c in pool if c.sock is not None)
        if not active:
            break
        for key, _mask in sel.select(timeout=1.0):
            c = key.data
            if c.out:
                if c.connecting:
                    code = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if code:
                        close(c)
                        fail("connect", errno.errorcode.get(code, str(code)))
                        if time.perf_counter() < stop_at:
                            time.sleep(0.01)
                            begin(c, c.out)
                        continue
                    c.connecting = False
                try:
                    sent = c.sock.send(c.out)
                except OSError as exc:
                    _lost(c, exc, close, begin, fail, stop_at)
                    continue
                c.out = c.out[sent:]
                if not c.out:
                    sel.modify(c.sock, selectors.EVENT_READ, c)
                continue
            try:
                data = c.sock.recv(65536)
            except OSError as exc:
                _lost(c, exc, close, begin, fail, stop_at)
                continue
            if not data:
                if c.head is not None and c.head[1] is None and not c.head[2]:
                    c.head = (*c.head[:3], True, c.head[4])
                    finished(c)  # a body delimited by the connection's end
                elif c.reused and not c.buf:
                    # A kept-alive connection the server had closed: retry on a new one.
                    close(c)
                    begin(c)
                else:
                    _lost(c, ConnectionError("closed mid-response"), close, begin, fail, stop_at)
                continue
            c.buf += data
            if c.head is None:
                end = c.buf.find(b"\r\n\r\n")
                if end < 0:
                    continue
                c.head = _parse_head(c.buf[: end + 4], end + 4)
            _status, length, chunked, _close, end = c.head
            if (length is not None and len(c.buf) - end >= length) or (
                chunked and c.buf.endswith(b"0\r\n\r\n")
            ):
                finished(c)
        if time.perf_counter() > stop_at + 30:
            fail("timeout", "requests still in flight 30 s after the end")
            break
    sel.close()
    return counted, succeeded, latencies, errors, samples, time.process_time() - cpu0


def _lost(c, exc, close, begin, fail, stop_at) -> None:
    close(c)
    fail("connection", repr(exc))
    if time.perf_counter() < stop_at:
        begin(c)


def _parse_head(head: bytes, end: int):
    first, _, rest = bytes(head).partition(b"\r\n")
    parts = first.split(b" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    length, chunked, close_after = None, False, first.startswith(b"HTTP/1.0")
    for line in rest.split(b"\r\n"):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            close_after = value.strip().lower() == b"close"
    if length is None and not chunked and status in (204, 304):
        length = 0
    return status, length, chunked, close_after, end


def _header(head: bytes, wanted: bytes) -> bytes | None:
    for line in bytes(head).split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == wanted:
            return value.strip()
    return None
