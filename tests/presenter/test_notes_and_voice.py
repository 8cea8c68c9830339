"""The speaker-notes window, narration and mute, full screen: in headless Chromium."""

from __future__ import annotations

import pytest

from tests.presenter.page import beats, console_errors, open_page, press, video, wait_for, wait_held

pytestmark = pytest.mark.slow

RIGHT = "\ue014"


def notes_window(driver) -> str:
    """Press N and return the handle of the window it opens."""
    main = driver.current_window_handle
    press(driver, "n")
    others = wait_for(lambda: [h for h in driver.window_handles if h != main],
                      what="the notes window")
    return others[0]


def notes_text(driver, handle: str, main: str) -> dict:
    driver.switch_to.window(handle)
    try:
        return driver.execute_script(
            "const t = (id) => document.getElementById(id).textContent;"
            "return {title: t('current-title'), notes: t('current-notes'), next: t('next-title'),"
            " nextNotes: t('next-notes'), elapsed: t('elapsed'), narration: t('narration'),"
            " frame: document.getElementById('current-frame').getAttribute('src')};")
    finally:
        driver.switch_to.window(main)


def test_notes_window_follows_the_page_and_drives_it(browser, silent):
    all_beats = beats(silent)
    open_page(browser, silent.joinpath("index.html").as_uri())
    main = browser.current_window_handle
    notes = notes_window(browser)
    first = wait_for(lambda: (lambda n: n if n["title"] == "Not started" else None)(
        notes_text(browser, notes, main)), what="the notes before the first beat")
    assert first["next"] == "1. Shapes · red square"
    assert "no recorded narration" in first["narration"]

    press(browser, RIGHT)
    wait_held(browser)
    shown = wait_for(lambda: (lambda n: n if n["title"].startswith("1.") else None)(
        notes_text(browser, notes, main)), what="the notes of beat 1")
    assert shown["notes"] == "a red square" == all_beats[0]["notes"]
    assert shown["next"] == "2. Shapes · blue circle"
    assert shown["nextNotes"] == "it turns into a blue circle"
    assert shown["frame"] == "frames/beat-001.jpg"

    # Keys pressed in the notes window drive the page: Right plays beat 2 there.
    browser.switch_to.window(notes)
    press(browser, RIGHT)
    browser.switch_to.window(main)
    wait_for(lambda: browser.execute_script("return presenter.state().index") == 1,
             what="the page to follow a key pressed in the notes window")
    wait_held(browser)
    press(browser, "3", "\ue007")  # beat 3 (Enter)
    wait_held(browser)
    shown = wait_for(lambda: (lambda n: n if n["title"].startswith("3.") else None)(
        notes_text(browser, notes, main)), what="the notes of beat 3")
    assert shown["notes"] == "a green triangle"
    assert shown["next"] == "4. Finale · silence"
    assert shown["nextNotes"] == "(nothing is said in this beat)"
    assert shown["elapsed"].startswith("0:0")
    assert console_errors(browser) == []


def test_narrated_lecture_plays_its_voice_and_m_mutes_it(browser, narrated):
    open_page(browser, narrated.joinpath("index.html").as_uri())
    assert browser.execute_script("return LECTURE.hasNarration") is True
    assert browser.execute_script("return document.getElementById('voice').textContent") \
        == "narration on"
    press(browser, RIGHT)
    state = wait_held(browser)
    assert state["audioBytes"] > 0, "the narration track was not decoded"
    assert not state["muted"]
    main = browser.current_window_handle
    notes = notes_window(browser)
    wait_for(lambda: "narration playing" in notes_text(browser, notes, main)["narration"],
             what="the notes to say the narration plays")
    press(browser, "m")
    assert video(browser)["muted"] is True
    assert browser.execute_script("return document.getElementById('voice').textContent") \
        == "narration muted"
    wait_for(lambda: "narration muted" in notes_text(browser, notes, main)["narration"],
             what="the notes to say the narration is muted")
    press(browser, "m")
    assert video(browser)["muted"] is False
    assert console_errors(browser) == []


def test_silent_lecture_decodes_no_audio_and_says_so(browser, silent):
    open_page(browser, silent.joinpath("index.html").as_uri())
    assert browser.execute_script("return LECTURE.hasNarration") is False
    press(browser, RIGHT)
    assert wait_held(browser)["audioBytes"] == 0
    press(browser, "m")
    assert "no narration" in wait_for(lambda: browser.execute_script(
        "const f = document.getElementById('flash'); return !f.hidden && f.textContent"),
        what="the message that there is nothing to mute")


def test_f_toggles_full_screen_and_b_blanks(browser, silent):
    open_page(browser, silent.joinpath("index.html").as_uri())
    press(browser, "f")
    wait_for(lambda: browser.execute_script("return !!document.fullscreenElement"),
             what="full screen")
    press(browser, "f")
    wait_for(lambda: browser.execute_script("return !document.fullscreenElement"),
             what="full screen to end")
    press(browser, "b")
    assert browser.execute_script("return document.getElementById('blank').hidden") is False
    press(browser, ".")
    assert browser.execute_script("return document.getElementById('blank').hidden") is True
