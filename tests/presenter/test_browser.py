"""The presenter page in headless Chromium, opened from file:// as a teacher would."""

from __future__ import annotations

import numpy as np
import pytest

from lecture.media.video import frames_at

from tests.presenter.page import beats, closest_frame, console_errors, open_page, press, video, video_pixels, wait_for, wait_held

pytestmark = pytest.mark.slow

RIGHT, LEFT, SPACE, PAGE_DOWN, PAGE_UP, ENTER = ("\ue014", "\ue012", " ", "\ue00f", "\ue00e",
                                                 "\ue007")


def url(folder) -> str:
    return (folder / "index.html").as_uri()


def frame_length(driver) -> float:
    return 1 / driver.execute_script("return LECTURE.frameRate")


def assert_played(driver, beat: dict) -> dict:
    """The beat was played from its start and the video now holds its last frame."""
    state = wait_held(driver)
    frame = frame_length(driver)
    assert state["shown"], "no frame was presented after the key press"
    assert abs(state["shown"][0] - beat["start"]) < frame / 2 + 1e-3, (
        f"beat {beat['number']} began at {state['shown'][0]:.3f} s, not at its start "
        f"{beat['start']:.3f} s")
    assert beat["end"] - frame <= state["time"] < beat["end"], (
        f"beat {beat['number']} held at {state['time']:.3f} s, not on its last frame "
        f"[{beat['end'] - frame:.3f}, {beat['end']:.3f})")
    assert driver.execute_script("return presenter.state().index") == beat["number"] - 1
    return state


def test_page_loads_from_file_without_errors_and_shows_captions_and_beats(browser, silent):
    open_page(browser, url(silent))
    assert console_errors(browser) == []
    cues = browser.execute_script(
        "const t = document.getElementById('video').textTracks[0];"
        "return {mode: t.mode, kind: t.kind, texts: Array.from(t.cues).map(c => c.text)};")
    assert cues == {"mode": "showing", "kind": "captions",
                    "texts": ["a red square", "it turns into a blue circle", "a green triangle"]}
    strip = browser.execute_script(
        "return Array.from(document.querySelectorAll('#progress .scene')).map(s => "
        "[s.querySelector('.scene-name').textContent, s.querySelectorAll('.beat').length]);")
    assert strip == [["Shapes", 2], ["Finale", 2]]
    assert browser.title == "Shapes, a test lecture"
    press(browser, "c")
    assert browser.execute_script("return document.getElementById('video').textTracks[0].mode") \
        == "hidden"
    press(browser, "C")
    assert browser.execute_script("return document.getElementById('video').textTracks[0].mode") \
        == "showing"


def test_console_check_catches_a_broken_page(browser, silent, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(silent, broken)
    (broken / "lecture.js").unlink()
    browser.get("about:blank")
    browser.get_log("browser")
    browser.get(url(broken))
    errors = wait_for(lambda: console_errors(browser), what="an error in the console")
    assert any("lecture.js" in e or "LECTURE" in e for e in errors), errors


def reference_frames(folder) -> list[np.ndarray]:
    """Each beat's last frame, read from the video with PyAV (as the storyboard reads it)."""
    return [np.asarray(img.convert("RGB"), dtype=np.float32)
            for img in frames_at(folder / "lecture.mp4", [b["end"] for b in beats(folder)])]


def assert_shows(driver, references: list[np.ndarray], i: int) -> None:
    """A screenshot's video area is beat i's last frame, clearly nearer it than any other."""
    size = (references[0].shape[1], references[0].shape[0])
    index, diffs = closest_frame(video_pixels(driver, size), references)
    assert index == i, f"the screen shows beat {index + 1}'s frame, not beat {i + 1}'s: {diffs}"
    others = sorted(d for k, d in enumerate(diffs) if k != i)
    assert diffs[i] < others[0] / 3, f"beat {i + 1}'s frame is not clearly on screen: {diffs}"


def test_each_key_plays_the_next_beat_and_holds_its_last_frame(browser, silent):
    """Right, Space, Page Down (a clicker), Enter: each plays the next beat from its start,
    pauses on its last frame, and that frame is what a screenshot shows."""
    all_beats = beats(silent)
    references = reference_frames(silent)
    open_page(browser, url(silent))
    state = video(browser)
    assert state["paused"] and state["time"] == 0
    for i, (key, beat) in enumerate(zip((RIGHT, SPACE, PAGE_DOWN, ENTER), all_beats)):
        press(browser, key)
        assert_played(browser, beat)
        assert_shows(browser, references, i)
    press(browser, RIGHT)  # past the last beat: nothing moves
    assert browser.execute_script("return presenter.state().index") == len(all_beats) - 1
    assert console_errors(browser) == []


def test_previous_and_numbered_beats(browser, silent):
    all_beats = beats(silent)
    open_page(browser, url(silent))
    press(browser, "3", ENTER)
    assert_played(browser, all_beats[2])
    press(browser, LEFT)
    assert_played(browser, all_beats[1])
    press(browser, PAGE_UP)
    assert_played(browser, all_beats[0])
    press(browser, "9", ENTER)  # no such beat: a message, and the beat stays
    assert "no beat 9" in wait_for(lambda: browser.execute_script(
        "const f = document.getElementById('flash'); return !f.hidden && f.textContent"),
        what="the message about beat 9")
    assert browser.execute_script("return presenter.state().index") == 0
    press(browser, LEFT)  # before the first beat: back to the start
    wait_for(lambda: browser.execute_script(
        "return presenter.state().phase === 'ready' && document.getElementById('video')"
        ".currentTime === 0"), what="the start")
    press(browser, "\ue010")  # End: the lecture's last frame, held
    state = wait_held(browser)
    assert all_beats[-1]["end"] - frame_length(browser) <= state["time"] < all_beats[-1]["end"]
    press(browser, "\ue011")  # Home: the start again
    wait_for(lambda: browser.execute_script(
        "return presenter.state().phase === 'ready' && document.getElementById('video')"
        ".currentTime === 0"), what="the start after Home")


def test_checks_catch_the_wrong_beat(browser, silent):
    """Holding beat 2, the checks refuse to call it beat 3."""
    references = reference_frames(silent)
    all_beats = beats(silent)
    open_page(browser, url(silent))
    press(browser, "2", ENTER)
    assert_played(browser, all_beats[1])
    assert_shows(browser, references, 1)
    with pytest.raises(AssertionError, match="not on its last frame|not at its start"):
        assert_played(browser, all_beats[2])
    with pytest.raises(AssertionError, match="not beat 3"):
        assert_shows(browser, references, 2)


def test_clicks_on_the_strip_and_the_picture(browser, silent):
    from selenium.webdriver.common.by import By

    all_beats = beats(silent)
    open_page(browser, url(silent))
    browser.execute_script("window.shownFrames = [];")
    browser.find_elements(By.CSS_SELECTOR, "#progress .beat")[2].click()
    assert_played(browser, all_beats[2])
    browser.execute_script("window.shownFrames = [];")
    browser.find_element(By.ID, "stage").click()  # a click on the picture: the next beat
    assert_played(browser, all_beats[3])
    cells = browser.execute_script(
        "return Array.from(document.querySelectorAll('#progress .beat'))"
        ".map(c => Array.from(c.classList).sort().join(' '))")
    assert cells == ["beat done", "beat done", "beat done", "beat current done"]
    press(browser, " ")  # the strip kept no focus, so Space is the page's key again
    assert browser.execute_script("return presenter.state().index") == 3
