"""Calls per second and CPU per call of the official Python SDK (lark-oapi): tests/load/api.sh.

Usage: python api_bench_official.py BASE_URL CALLS CONCURRENCY

Sends the page's example message (im.v1.message.create) CALLS times through lark-oapi's client,
spread over CONCURRENCY threads (the SDK's calls are synchronous), after a warm-up (the token
fetch), against the benchmark's server at BASE_URL; prints one JSON line: wall time and this
process's user + system CPU time (getrusage), per call. The same measurement as
tests/examples/api_bench.rs's `client` mode.
"""
import json
import resource
import sys
import threading
import time

import lark_oapi as lark
from lark_oapi.api.im.v1 import CreateMessageRequest, CreateMessageRequestBody


def request() -> CreateMessageRequest:
    return (
        CreateMessageRequest.builder()
        .receive_id_type("open_id")
        .request_body(
            CreateMessageRequestBody.builder()
            .receive_id("ou_7d8a6e6df7621556ce0d21922b676706ccs")
            .msg_type("text")
            .content('{"text":"test content"}')
            .uuid("a0d69e20-1dd1-458b-k525-dfeca4015204")
            .build()
        )
        .build()
    )


def run(client, calls: int, concurrency: int) -> None:
    lock = threading.Lock()
    state = {"next": 0, "errors": []}

    def worker() -> None:
        while True:
            with lock:
                if state["next"] >= calls or state["errors"]:
                    return
                state["next"] += 1
            try:
                response = client.im.v1.message.create(request())
                if not response.success() or not response.data.message_id:
                    raise RuntimeError(f"code {response.code}: {response.msg}")
            except Exception as error:  # noqa: BLE001 - reported below
                with lock:
                    state["errors"].append(repr(error))
                return

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if state["errors"]:
        raise SystemExit(f"{len(state['errors'])} failed calls, first: {state['errors'][0]}")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    base_url, calls, concurrency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    client = (
        lark.Client.builder()
        .app_id("cli_bench")
        .app_secret("bench-secret")
        .domain(base_url)
        .timeout(30)
        .log_level(lark.LogLevel.WARNING)
        .build()
    )
    run(client, concurrency * 20, concurrency)
    cpu, start = cpu_seconds(), time.perf_counter()
    run(client, calls, concurrency)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    print(
        json.dumps(
            {
                "client": "lark-oapi",
                "calls": calls,
                "concurrency": concurrency,
                "threads": concurrency,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "calls_per_second": calls / seconds,
                "cpu_us_per_call": cpu * 1e6 / calls,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
