"""The cluster runner hands Dask one job per free worker thread, in the order given
(longest first): a worker that frees up takes the next job, none waits in a queue
Dask built before it knew how long anything takes."""

from __future__ import annotations

from lecture.run.cluster import ClusterRunner
from lecture.core.records import Outcome
from lecture.run.local import Job, JobOutcome


class FakeFuture:
    def __init__(self, key: str) -> None:
        self.key, self.callbacks, self.cancelled = key, [], False

    def add_done_callback(self, fn) -> None:
        self.callbacks.append(fn)

    def result(self) -> dict:
        return {"worker": "tcp://w"}

    def finish(self) -> None:
        for fn in self.callbacks:
            fn(self)

    def cancel(self) -> None:
        self.cancelled = True


class FakeClient:
    def __init__(self, threads: dict[str, int]) -> None:
        self.threads, self.sent = threads, []

    def nthreads(self) -> dict[str, int]:
        return self.threads

    def processing(self) -> dict[str, list[str]]:
        return {}

    def submit(self, fn, payload, key: str, pure: bool, retries: int) -> FakeFuture:
        self.sent.append(FakeFuture(key))
        return self.sent[-1]


def runner(client: FakeClient) -> ClusterRunner:
    made = ClusterRunner(None, client, "a fake cluster")
    made._files = lambda job: {}
    made._receive = lambda job, reply: JobOutcome(job, 0, Outcome(ok=True), where=reply["worker"])
    return made


def jobs(count: int) -> list[Job]:
    return [Job(f"Scene{i}", "scenes/s.py", "l", f"{i:064x}", estimate=10.0 - i)
            for i in range(count)]


def sent(client: FakeClient) -> list[str]:
    return [f.key.split("-")[1] for f in client.sent]


def test_jobs_go_out_one_per_free_thread_in_order() -> None:
    client = FakeClient({"tcp://a": 1, "tcp://b": 1})
    run = runner(client)
    done = [run.submit(job) for job in jobs(5)]
    assert sent(client) == ["Scene0", "Scene1"]  # two threads: two jobs out, three wait
    client.sent[1].finish()
    assert done[1].result().ok and not done[0].done()
    assert sent(client) == ["Scene0", "Scene1", "Scene2"]
    for index in (0, 2, 3, 4):  # each finish lets the next job out
        client.sent[index].finish()
    assert sent(client) == [f"Scene{i}" for i in range(5)]
    assert all(d.result().ok for d in done)


def test_more_threads_take_more_jobs_and_stop_drops_the_waiting() -> None:
    client = FakeClient({"tcp://a": 1})
    run = runner(client)
    done = [run.submit(job) for job in jobs(4)]
    assert sent(client) == ["Scene0"]
    client.threads = {"tcp://a": 1, "tcp://b": 2}  # a worker of 2 threads joins
    run._polled = 0.0
    run.running()
    assert sent(client) == ["Scene0", "Scene1", "Scene2"]
    run.stop()
    assert done[3].cancelled() and all(f.cancelled for f in client.sent)
