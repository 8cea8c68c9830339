"""The bench's own arithmetic: how busy the machine was, and the cluster ratio's floor."""

from __future__ import annotations

import time

import pytest

from lecture import bench
from lecture.bench import speed


def test_machine_busy_counts_cpu_this_process_spends() -> None:
    before = bench.machine_busy()
    assert before is not None
    end = time.process_time() + 0.3
    while time.process_time() < end:
        pass
    # other processes only add to it; the clock ticks at 100 Hz
    assert bench.machine_busy() - before >= 0.25


def test_cluster_floor_spreads_the_two_worker_build_over_every_core(monkeypatch) -> None:
    monkeypatch.setattr(speed.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(bench, "MACHINE", {"build local:1": 80.0, "build local:2": 82.0})
    monkeypatch.setattr(speed, "MACHINE", bench.MACHINE)
    floor, why = speed.cluster_floor({"local:1": 64.0, "local:2": 49.0})
    assert floor == pytest.approx(82 / 2 / 64)
    assert "1.25 of 2 cores" in why and ">= 0.64" in why


def test_no_floor_without_the_machine_figures(monkeypatch) -> None:
    monkeypatch.setattr(speed, "MACHINE", {})
    assert speed.cluster_floor({"local:1": 64.0, "local:2": 49.0}) == (None, "")
