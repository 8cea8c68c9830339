/* The presenter page: plays the lecture one beat at a time and holds each beat's last frame.
 *
 * The whole lecture is one video; a beat is a span [start, end) of it (window.LECTURE,
 * written by `lecture present`). Playing a beat seeks to its start and plays; a
 * requestVideoFrameCallback watches the frames shown and pauses on the beat's last
 * one, then pins the position inside that frame. Works from file:// with no server.
 */
(function () {
  "use strict";

  const L = window.LECTURE;
  const beats = L.beats;
  const frame = 1 / L.frameRate;
  const $ = (id) => document.getElementById(id);
  const video = $("video");

  const state = {
    index: -1,        // the beat on screen; -1 before the first one
    phase: "ready",   // "ready" (at the start, waiting), "playing", "held" (on its last frame)
    armed: false,     // the last seek has landed: frames shown now belong to the beat
    startedAt: null,  // Date.now() when the first beat was played
    digits: "",       // a beat number being typed
  };
  let notesWindow = null;
  let flashTimer = null;
  let digitTimer = null;

  // -- playing beats ----------------------------------------------------------------------

  function lastFrameTime(beat) {
    return beat.end - frame / 2;  // inside the beat's last frame, as the handout's frames
  }

  function seekTo(t) {
    state.armed = false;
    video.currentTime = Math.max(0, t);
  }

  function playBeat(i) {
    if (i < 0 || i >= beats.length) return;
    state.index = i;
    state.phase = "playing";
    if (state.startedAt === null) state.startedAt = Date.now();
    seekTo(beats[i].start + Math.min(0.001, frame / 4));
    const started = video.play();
    if (started && started.catch) {
      started.catch((err) => {
        if (err && err.name === "NotAllowedError" && state.index === i) {
          state.phase = "ready";
          flash("The browser wants a click on the page first; then press → again.");
          update();
        }
      });
    }
    update();
  }

  function hold() {
    video.pause();
    state.phase = "held";
    seekTo(lastFrameTime(beats[state.index]));
    update();
  }

  function toStart() {
    video.pause();
    state.index = -1;
    state.phase = "ready";
    seekTo(0);
    update();
  }

  function toEnd() {
    state.index = beats.length - 1;
    hold();
  }

  // The frame just shown starts at t: is it the beat's last frame (or past it)?
  function reachedEnd(t) {
    if (state.phase !== "playing" || !state.armed || video.seeking) return;
    const beat = beats[state.index];
    if (t + frame > lastFrameTime(beat) + 1e-6) hold();
  }

  if ("requestVideoFrameCallback" in video) {
    const onFrame = (now, meta) => {
      reachedEnd(meta.mediaTime);
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }
  // Fallbacks for browsers without frame callbacks, and for the very end of the video.
  video.addEventListener("timeupdate", () => reachedEnd(video.currentTime));
  video.addEventListener("ended", () => { if (state.phase === "playing") hold(); });
  video.addEventListener("seeked", () => { state.armed = true; });

  function next() {
    if (state.index < 0 || state.phase === "ready") playBeat(Math.max(0, state.index));
    else if (state.index < beats.length - 1) playBeat(state.index + 1);
    else flash("That was the last beat. Home goes back to the start.");
  }

  function previous() {
    if (state.index <= 0) toStart();
    else playBeat(state.index - 1);
  }

  function jump(text) {
    const n = parseInt(text, 10);
    if (n >= 1 && n <= beats.length) playBeat(n - 1);
    else flash(`There is no beat ${text}: the beats are 1 to ${beats.length}.`);
  }

  // -- switches ---------------------------------------------------------------------------

  function captionTrack() {
    return video.textTracks.length ? video.textTracks[0] : null;
  }

  function toggleCaptions() {
    const track = captionTrack();
    if (!track) return;
    track.mode = track.mode === "showing" ? "hidden" : "showing";
    update();
  }

  function toggleMute() {
    video.muted = !video.muted;
    if (!L.hasNarration) flash("This lecture has no narration: nothing to mute.");
    update();
  }

  function toggleFullscreen() {
    const done = document.fullscreenElement
      ? document.exitFullscreen()
      : document.documentElement.requestFullscreen();
    if (done && done.catch) done.catch(() => flash("The browser refused full screen."));
  }

  function toggle(id) {
    $(id).hidden = !$(id).hidden;
  }

  function openNotes() {
    if (notesWindow && !notesWindow.closed) {
      notesWindow.focus();
      return;
    }
    notesWindow = window.open("notes.html", "lecture-notes", "popup,width=960,height=680");
    if (!notesWindow) flash("The browser blocked the notes window: allow pop-ups for this page.");
  }

  // -- keys -------------------------------------------------------------------------------

  const ACTIONS = {
    ArrowRight: next, " ": next, PageDown: next,
    ArrowLeft: previous, PageUp: previous,
    Home: toStart, End: toEnd,
    f: toggleFullscreen, c: toggleCaptions, m: toggleMute, n: openNotes,
    b: () => toggle("blank"), ".": () => toggle("blank"),
    "?": () => toggle("help"), h: () => toggle("help"),
  };

  function typed(key) {
    clearTimeout(digitTimer);
    if (/^[0-9]$/.test(key)) {
      state.digits = (state.digits + key).slice(-4);
    } else if (key === "Backspace") {
      state.digits = state.digits.slice(0, -1);
    } else {
      state.digits = "";
    }
    if (state.digits) digitTimer = setTimeout(() => { state.digits = ""; update(); }, 6000);
    update();
  }

  // Returns true when the key meant something here.
  function onKey(key) {
    if (/^[0-9]$/.test(key) || (key === "Backspace" && state.digits)) {
      typed(key);
      return true;
    }
    if (key === "Enter") {
      const text = state.digits;
      typed("");
      if (text) jump(text); else next();
      return true;
    }
    if (key === "Escape") {
      typed("");
      $("help").hidden = true;
      return true;
    }
    const action = ACTIONS[key.length === 1 ? key.toLowerCase() : key];
    if (!action) return false;
    if (state.digits) typed("");
    action();
    return true;
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    if (onKey(event.key)) event.preventDefault();
  });
  $("stage").addEventListener("click", () => next());

  // -- what is on screen ------------------------------------------------------------------

  function flash(text) {
    const box = $("flash");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => { box.hidden = true; }, 3500);
  }

  function snapshot() {
    const track = captionTrack();
    return {
      index: state.index, phase: state.phase, startedAt: state.startedAt, now: Date.now(),
      muted: video.muted, hasNarration: L.hasNarration, digits: state.digits,
      captions: !!track && track.mode === "showing",
    };
  }

  function update() {
    const s = snapshot();
    $("hint").hidden = s.index >= 0;
    $("goto").hidden = !s.digits;
    $("goto").textContent = s.digits ? `Go to beat ${s.digits} — Enter` : "";
    document.body.dataset.phase = s.phase;
    document.body.dataset.beat = String(s.index + 1);
    document.dispatchEvent(new CustomEvent("presenter-update", { detail: s }));
    sendState();
  }

  // -- the notes window -------------------------------------------------------------------

  function sendState() {
    if (notesWindow && !notesWindow.closed) {
      notesWindow.postMessage({ type: "lecture-state", state: snapshot() }, "*");
    }
  }

  window.addEventListener("message", (event) => {
    if (!notesWindow || event.source !== notesWindow) return;
    const message = event.data || {};
    if (message.type === "lecture-hello") sendState();
    else if (message.type === "lecture-key" && typeof message.key === "string") onKey(message.key);
  });
  setInterval(sendState, 1000);

  // -- start ------------------------------------------------------------------------------

  function addCaptions() {
    // A <track> may not load a file:// neighbour, so the WebVTT text travels in lecture.js
    // and reaches the browser's own WebVTT parser through a blob: URL.
    const track = document.createElement("track");
    track.kind = "captions";
    track.label = "Captions";
    track.srclang = L.language || "en";
    track.default = true;
    track.src = URL.createObjectURL(new Blob([L.captionsVtt], { type: "text/vtt" }));
    track.addEventListener("load", update);
    video.appendChild(track);
  }

  document.title = L.title;
  $("hint").textContent = `Press → or Space to play beat 1 of ${beats.length}. ` +
    "N opens the speaker notes, ? lists the keys.";
  video.addEventListener("volumechange", update);
  video.addEventListener("error", () => flash(`The video ${L.video} cannot be played here` +
    " (try `lecture present --serve`)."));
  addCaptions();
  window.presenter = { state: snapshot, play: playBeat, video };
  update();
})();
