#!/usr/bin/env python3
"""The PyPI peer of `fafang-bench outbox`: pgqueuer (PostgreSQL job queue, asyncpg) doing what a
Fafang daemon does per message -- one Standard Webhooks-signed HTTP POST to the sink -- so the
two can be compared on the same server and the same sink.

  pgqueuer-peer.py enqueue --dsn URL --jobs N     install pgqueuer's schema, enqueue N jobs
  pgqueuer-peer.py work --dsn URL --url SINK      work them off (drain mode), then exit

Each job's payload is its message text; its id is the webhook-id. A job fails (and is retried
by pgqueuer) unless the sink answers 2xx.
"""
import argparse
import asyncio
import base64
import hashlib
import hmac
import time

import aiohttp
import asyncpg
from pgqueuer import Queries, QueueManager
from pgqueuer.domain.types import QueueExecutionMode

# The same test secret the bench gives Fafang's sink endpoint (whsec_ + base64 key).
SECRET = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")


def signed_headers(message_id: str, body: bytes) -> dict:
    timestamp = str(int(time.time()))
    digest = hmac.new(SECRET, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": timestamp,
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }


async def enqueue(dsn: str, jobs: int) -> None:
    connection = await asyncpg.connect(dsn)
    queries = Queries.from_asyncpg_connection(connection)
    await queries.install()
    for start in range(0, jobs, 5000):
        count = min(jobs, start + 5000) - start
        payloads = [('{"text":"消息 %d"}' % (start + i)).encode() for i in range(count)]
        await queries.enqueue(["post"] * count, payloads, [0] * count)
    await connection.close()


async def work(dsn: str, url: str, batch: int, concurrency: int) -> None:
    pool = await asyncpg.create_pool(dsn, min_size=2, max_size=8)
    queries = Queries.from_asyncpg_pool(pool)
    manager = QueueManager(queries)
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency))

    @manager.entrypoint("post")
    async def post(job) -> None:
        body = job.payload or b""
        async with session.post(url, data=body, headers=signed_headers("job-%d" % job.id, body)) as response:
            await response.read()
            if response.status // 100 != 2:
                raise RuntimeError("sink answered %d" % response.status)

    await manager.run(batch_size=batch, mode=QueueExecutionMode.drain, max_concurrent_tasks=max(concurrency, 2 * batch))
    await session.close()
    await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["enqueue", "work"])
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--url")
    parser.add_argument("--jobs", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args()
    if args.mode == "enqueue":
        asyncio.run(enqueue(args.dsn, args.jobs))
    else:
        asyncio.run(work(args.dsn, args.url, args.batch, args.concurrency))


if __name__ == "__main__":
    main()
