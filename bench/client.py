"""A small load generator, for machines without wrk: closed loop, N connections, fixed time.

    python -m bench.client --url http://127.0.0.1:8201 --requests FILE --duration 10 \
        --connections 2 --header "Authorization: Token ..."

FILE holds one request per line: METHOD <tab> PATH [<tab> JSON BODY]. Prints JSON with the
request count, requests per second and latency percentiles (ms). Run it pinned to a CPU of
its own (``taskset``) so that it does not take the server's.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import threading
import time
from urllib.parse import urlsplit


def read_requests(path: str) -> list[tuple[str, str, bytes | None]]:
    requests = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            body = parts[2].encode() if len(parts) > 2 and parts[2] else None
            requests.append((parts[0], parts[1], body))
    return requests


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, int(round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def run(
    url: str,
    requests: list[tuple[str, str, bytes | None]],
    duration: float,
    connections: int,
    headers: dict[str, str],
) -> dict:
    parts = urlsplit(url)
    counter = itertools.count()
    deadline = time.monotonic() + duration
    latencies: list[list[float]] = [[] for _ in range(connections)]
    failures = [0] * connections

    def worker(slot: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.monotonic() < deadline:
            method, path, body = requests[next(counter) % len(requests)]
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    failures[slot] += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                failures[slot] += 1
                connection.close()
            latencies[slot].append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    values = sorted(itertools.chain.from_iterable(latencies))
    return {
        "requests": len(values),
        "rps": len(values) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(values, 0.50),
        "p99_ms": percentile(values, 0.99),
        "errors": sum(failures),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--requests", required=True)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--header", action="append", default=[])
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    result = run(args.url, read_requests(args.requests), args.duration, args.connections, headers)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
