/* The bar under the picture: the beat counter, a strip of scenes and their beats (click
 * one to play it; the current one fills as it plays), and the captions and voice state.
 * It follows the page through its "presenter-update" events (present.js).
 */
(function () {
  "use strict";

  const L = window.LECTURE;
  const beats = L.beats;
  const presenter = window.presenter;
  const $ = (id) => document.getElementById(id);

  function build() {
    const strip = $("progress");
    for (const scene of L.scenes) {
      const group = document.createElement("div");
      group.className = "scene";
      const length = scene.beats.reduce((sum, i) => sum + (beats[i].end - beats[i].start), 0);
      group.style.flexGrow = String(length);
      const row = document.createElement("div");
      row.className = "beats";
      for (const i of scene.beats) {
        const cell = document.createElement("button");
        cell.className = "beat";
        cell.tabIndex = -1;  // never keeps the focus: Space and Enter belong to the page
        cell.title = `${beats[i].number}. ${beats[i].title}`;
        cell.style.flexGrow = String(beats[i].end - beats[i].start);
        cell.addEventListener("click", (event) => {
          event.stopPropagation();
          cell.blur();
          presenter.play(i);
        });
        row.appendChild(cell);
      }
      const label = document.createElement("span");
      label.className = "scene-name";
      label.textContent = scene.name;
      group.append(row, label);
      strip.appendChild(group);
    }
  }

  function show(s) {
    document.querySelectorAll("#progress .beat").forEach((cell, i) => {
      cell.classList.toggle("done", i < s.index || (i === s.index && s.phase === "held"));
      cell.classList.toggle("current", i === s.index);
    });
    document.querySelectorAll("#progress .scene").forEach((group, k) => {
      group.classList.toggle("current", L.scenes[k].beats.includes(s.index));
    });
    $("counter").textContent = `${s.index < 0 ? "–" : s.index + 1} / ${beats.length}`;
    $("cc").textContent = s.captions ? "CC on" : "CC off";
    $("voice").textContent = !L.hasNarration ? "no narration"
      : s.muted ? "narration muted" : "narration on";
  }

  function paint() {
    const s = presenter.state();
    const cell = document.querySelector("#progress .beat.current");
    if (cell && s.index >= 0) {
      const beat = beats[s.index];
      const part = s.phase === "held" ? 1
        : (presenter.video.currentTime - beat.start) / (beat.end - beat.start);
      cell.style.setProperty("--fill", `${Math.round(Math.min(1, Math.max(0, part)) * 100)}%`);
    }
    requestAnimationFrame(paint);
  }

  build();
  document.addEventListener("presenter-update", (event) => show(event.detail));
  show(presenter.state());
  requestAnimationFrame(paint);
})();
