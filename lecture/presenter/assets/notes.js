/* The speaker-notes window: follows the presenter page that opened it (window.opener).
 *
 * The page sends its state by postMessage (file:// pages cannot reach each other any
 * other way); the keys pressed here are sent back, so the lecture can be driven from
 * the laptop while the page is on the projector.
 */
(function () {
  "use strict";

  const L = window.LECTURE;
  const beats = L.beats;
  const $ = (id) => document.getElementById(id);
  const main = window.opener;
  let last = null;

  function clock(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const m = Math.floor(s / 60);
    const h = Math.floor(m / 60);
    const mm = h ? String(m % 60).padStart(2, "0") : String(m);
    return `${h ? h + ":" : ""}${mm}:${String(s % 60).padStart(2, "0")}`;
  }

  function show(prefix, beat, empty) {
    $(`${prefix}-title`).textContent = beat ? `${beat.number}. ${beat.title}` : empty[0];
    const notes = $(`${prefix}-notes`);
    notes.textContent = beat ? (beat.notes || "(nothing is said in this beat)") : empty[1];
    notes.classList.toggle("quiet", !beat || !beat.notes);
    const image = $(`${prefix}-frame`);
    image.hidden = !beat;
    if (beat) image.src = beat.frame;
  }

  function narration(s) {
    if (!s.hasNarration) return "no recorded narration: speak the notes";
    return s.muted ? "narration muted (M): speak the notes" : "narration playing (M mutes)";
  }

  function render(s) {
    last = s;
    const current = s.index >= 0 ? beats[s.index] : null;
    const following = beats[s.index + 1] || null;
    show("current", current, ["Not started", `Press → to play beat 1 of ${beats.length}.`]);
    show("next", following, ["the end", "This is the last beat."]);
    $("position").textContent = s.index < 0 ? `${beats.length} beats`
      : `beat ${s.index + 1} of ${beats.length}${s.phase === "held" ? ", finished" : ""}`;
    $("narration").textContent = narration(s);
    tick();
  }

  function tick() {
    const started = last && last.startedAt;
    $("elapsed").textContent = started ? clock(Date.now() - started) : "0:00";
    $("clock").textContent = new Date().toLocaleTimeString([], { hour: "2-digit",
                                                                 minute: "2-digit" });
  }

  window.addEventListener("message", (event) => {
    if (event.source !== main) return;
    const message = event.data || {};
    if (message.type === "lecture-state" && message.state) render(message.state);
  });

  document.addEventListener("keydown", (event) => {
    if (!main || main.closed || event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.key === "f" || event.key === "F") {  // full screen for this window itself
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen().catch(() => {});
      return;
    }
    if (event.key === "n" || event.key === "N") return;
    main.postMessage({ type: "lecture-key", key: event.key }, "*");
    event.preventDefault();
  });

  document.title = `Notes: ${L.title}`;
  if (main) {
    main.postMessage({ type: "lecture-hello" }, "*");
  } else {
    $("orphan").hidden = false;
  }
  render({ index: -1, phase: "ready", startedAt: null, hasNarration: L.hasNarration,
           muted: false });
  setInterval(tick, 500);
})();
