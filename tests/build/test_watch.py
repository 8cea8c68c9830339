"""`lecture watch`: a save to a file the scene uses rerenders it; other saves do not."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time

from tests.fixtures.pipeline import env_for


def _lines(proc: subprocess.Popen) -> queue.Queue:
    out: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in proc.stdout:
            out.put(line.rstrip())

    threading.Thread(target=pump, daemon=True).start()
    return out


def _wait_for(out: queue.Queue, text: str, seconds: float) -> list[str]:
    seen, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = out.get(timeout=0.1)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"no line with {text!r} within {seconds} s; saw {seen}")


def test_watch_rerenders_on_a_dependency_save_only(built):
    proc = subprocess.Popen([sys.executable, "-m", "lecture", "watch", "Beta"], cwd=built,
                            env=env_for(built), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    out = _lines(proc)
    try:
        _wait_for(out, "is up to date", 60)

        (built / "lessonlib" / "one.py").write_text("def one():\n    return 1  # not Beta's\n")
        time.sleep(1.5)  # well past the debounce: nothing may happen
        assert out.empty(), f"an unrelated save triggered: {out.get()}"

        (built / "lessonlib" / "_base.py").write_text("BASE = 1  # edited\n")
        (line,) = _wait_for(out, "Beta rendered in", 120)[-1:]
        assert "saved lessonlib/_base.py" in line
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        proc.wait(timeout=30)
    rest = _wait_for(out, "stopped watching", 5)
    assert not any("Traceback" in line for line in rest)
    assert proc.returncode == 0
