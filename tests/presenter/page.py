"""Reading the presenter page in a real browser: its video element, its console, its pixels."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import numpy as np
from PIL import Image


def wait_for(predicate, timeout: float = 10.0, what: str = "the page"):
    """Poll until predicate() is truthy; fail naming `what` and the last value seen."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}; last saw {value!r}")


def beats(folder: Path) -> list[dict]:
    """The beats the presenter folder's data file lists (what the page plays)."""
    text = (folder / "lecture.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("{"):text.rindex("}") + 1])
    return data["beats"]


def open_page(driver, url: str) -> None:
    """Load the page fresh (one window, console emptied) and wait until its video is ready."""
    for handle in driver.window_handles[1:]:
        driver.switch_to.window(handle)
        driver.close()
    driver.switch_to.window(driver.window_handles[0])
    driver.get("about:blank")
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(url)
    wait_for(lambda: driver.execute_script(
        "const v = document.getElementById('video');"
        "return v && v.readyState >= 2 && v.textTracks.length > 0 && !!v.textTracks[0].cues"),
        what="the video and its captions to load")
    # Record every frame the video presents, as the browser reports it.
    driver.execute_script(
        "window.shownFrames = []; const v = document.getElementById('video');"
        "v.requestVideoFrameCallback(function cb(now, meta) {"
        "  window.shownFrames.push(meta.mediaTime); v.requestVideoFrameCallback(cb); });")


def video(driver) -> dict:
    return driver.execute_script(
        "const v = document.getElementById('video');"
        "return {time: v.currentTime, paused: v.paused, seeking: v.seeking, muted: v.muted,"
        " audioBytes: v.webkitAudioDecodedByteCount, shown: window.shownFrames.slice()};")


def press(driver, *keys: str) -> None:
    """Send keys to the page as a user would (these count as user gestures)."""
    from selenium.webdriver.common.action_chains import ActionChains

    driver.execute_script("window.shownFrames = [];")
    chain = ActionChains(driver)
    for key in keys:
        chain.send_keys(key)
    chain.perform()


def wait_held(driver, timeout: float = 10.0) -> dict:
    """Wait until the video has stopped (paused, not seeking) and return its state."""
    def held():
        state = video(driver)
        phase = driver.execute_script("return presenter.state().phase")
        return state if state["paused"] and not state["seeking"] and phase != "playing" else None

    return wait_for(held, timeout, "the beat to end and hold")


def console_errors(driver) -> list[str]:
    """Messages the page logged at error level since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def video_pixels(driver, size: tuple[int, int]) -> np.ndarray:
    """The part of a screenshot where the video's picture is drawn, scaled to `size`."""
    box = driver.execute_script(
        "const v = document.getElementById('video'); const r = v.getBoundingClientRect();"
        "const scale = Math.min(r.width / v.videoWidth, r.height / v.videoHeight);"
        "const w = v.videoWidth * scale, h = v.videoHeight * scale;"
        "return [r.left + (r.width - w) / 2, r.top + (r.height - h) / 2, w, h,"
        " window.devicePixelRatio];")
    left, top, w, h, ratio = box
    shot = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    crop = shot.crop(tuple(round(v * ratio) for v in (left, top, left + w, top + h)))
    return np.asarray(crop.resize(size, Image.BILINEAR), dtype=np.float32)


def closest_frame(pixels: np.ndarray, frames: list[np.ndarray]) -> tuple[int, list[float]]:
    """Index of the reference frame nearest to `pixels` (mean absolute difference), and all
    the differences."""
    diffs = [float(np.abs(pixels - f).mean()) for f in frames]
    return int(np.argmin(diffs)), diffs
