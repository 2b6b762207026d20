#!/usr/bin/env python3
"""One round of the real-engine bench with the published Python client (PyPI pie-client 0.5.3).

Usage: pie-real-python.py URL PINGS PROGRAM EVENTS_N
Prints one JSON line: wall ms and client CPU ms (time.process_time) for PINGS sequential pings
and for one process of PROGRAM launched with {"n": EVENTS_N} and drained to its return, with
the number of events received. The connection is opened before the timers start.
"""
import asyncio, json, sys, time

from pie_client import PieClient


async def main() -> None:
    url, pings, program, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    async with PieClient(url, identity="default/bench") as client:
        await client.ping()
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(pings):
            await client.ping()
        ping = {"wall_ms": (time.perf_counter() - wall) * 1e3, "cpu_ms": (time.process_time() - cpu) * 1e3}
        wall, cpu = time.perf_counter(), time.process_time()
        process = await client.launch_process(program, input={"n": n})
        events = 0
        while True:
            event, value = await process.recv()
            events += 1
            if event.value in ("return", "error"):
                break
        run = {"wall_ms": (time.perf_counter() - wall) * 1e3, "cpu_ms": (time.process_time() - cpu) * 1e3, "events": events}
    print(json.dumps({"ping": ping, "events": run}))


asyncio.run(main())
