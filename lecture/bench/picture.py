"""Picture quality of the delivery encoding against a lossless render of the same frames.

One scene's first animations are rendered twice at -q h: by a lecture worker
(the delivery encoding, as the build makes it) and by plain `manim` encoding
RGB losslessly (libx264rgb at CRF 0; Manim's PNG sequence would do, but it
writes a repeated still frame once, so its frames do not line up with the
video's). Sampled frames are compared:

  PSNR Y, PSNR YUV  the decoded video against the PNG converted to YUV exactly
                    as the encoder received it (BT.709, 4:2:0): the encode's loss;
                    YUV weighs the planes 4:1:1 by their samples
  SSIM Y            the same luma planes (Gaussian window 11, sigma 1.5)
  PSNR RGB          the decoded video read back to RGB against the lossless RGB:
                    what a viewer gets, 4:2:0 chroma and 8-bit rounding included
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

from lecture.bench import Row, run
from lecture.core.project import Project
from lecture.core.records import Outcome

TARGET_PSNR = 45.0  # dB, on the encode's loss (PSNR YUV)
SAMPLES = 24


def mse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))


def psnr(error: float) -> float:
    """PSNR in dB of a mean squared error on 8-bit samples (infinite for identical ones)."""
    return math.inf if error == 0 else 10 * math.log10(255.0 ** 2 / error)


def _gaussian(img: np.ndarray, sigma: float = 1.5, radius: int = 5) -> np.ndarray:
    """Separable Gaussian blur with edge padding."""
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps /= taps.sum()
    out = img
    for axis in (0, 1):
        padded = np.pad(out, [(radius, radius) if a == axis else (0, 0) for a in (0, 1)], mode="edge")
        n = out.shape[axis]
        out = sum(w * np.take(padded, np.arange(k, k + n), axis=axis) for k, w in enumerate(taps))
    return out


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean structural similarity of two 8-bit planes (Wang et al. 2004 constants)."""
    x, y = a.astype(np.float64), b.astype(np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = _gaussian(x), _gaussian(y)
    vx, vy = _gaussian(x * x) - mx * mx, _gaussian(y * y) - my * my
    cov = _gaussian(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(s.mean())


def _planes(frame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = frame.to_ndarray()  # yuv420p: Y rows, then U and V packed below
    h, w = frame.height, frame.width
    chroma = a[h:].reshape(-1)
    return a[:h], chroma[: (h // 2) * (w // 2)].reshape(h // 2, w // 2), \
        chroma[(h // 2) * (w // 2):].reshape(h // 2, w // 2)


def compare(video: Path, lossless: Path, samples: int = SAMPLES) -> dict[str, float]:
    """Worst and mean figures over `samples` frames spread over the render."""
    import av

    from lecture.delivery import colour

    with av.open(str(lossless)) as c:
        count = c.streams.video[0].frames
    picks = sorted({round(i * (count - 1) / max(1, samples - 1)) for i in range(samples)})
    errors: dict[str, list[float]] = {"y": [], "yuv": [], "rgb": []}
    similarity = []
    with av.open(str(video)) as c, av.open(str(lossless)) as r:
        pairs = [(f, g) for i, (f, g) in enumerate(zip(c.decode(video=0), r.decode(video=0))) if i in picks]
    if len(pairs) != len(picks):
        raise SystemExit(f"bench: the two renders have different lengths ({len(pairs)} of {len(picks)})")
    for frame, reference in pairs:
        rgb = reference.to_ndarray(format="rgb24")
        got = _planes(frame)
        want = _planes(colour.to_stream(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        errors["y"].append(mse(got[0], want[0]))
        errors["yuv"].append(sum(mse(g, w) * g.size for g, w in zip(got, want)) / sum(g.size for g in got))
        errors["rgb"].append(mse(colour.to_rgb(frame).to_ndarray(), rgb))
        similarity.append(ssim(got[0], want[0]))
    # worst frame, and the whole sample (PSNR of the mean error, so identical frames count as 0 error)
    result = {f"psnr_{k}_min": psnr(max(v)) for k, v in errors.items()}
    result.update({f"psnr_{k}_mean": psnr(float(np.mean(v))) for k, v in errors.items()})
    result.update(ssim_y_min=min(similarity), ssim_y_mean=float(np.mean(similarity)),
                  frames=count, sampled=len(picks))
    return result


def _render(cmd: list[str], project: Project, env: dict[str, str], label: str, folder: Path) -> Path:
    result = folder / "result.json"
    run([sys.executable, "-m", "lecture.worker.render", str(result), "--", *cmd, "--media_dir", str(folder)],
        project.root, env, label)
    return Path(Outcome.read(result).video)


def measure(project: Project, env: dict[str, str], bench: Path, scene_index: int = 1,
            animations: str = "0,4") -> tuple[list[Row], list[str]]:
    scene = project.scenes[min(scene_index, len(project.scenes) - 1)]
    folder = bench / "picture"
    common = [scene.rel, scene.name, "-q", "h", "-n", animations, "--progress_bar", "none"]
    print(f"bench: {scene.name} animations {animations} at -q h, lossless and in the delivery "
          "encoding...", flush=True)
    lossless = _render([*common, "--video-codec", "libx264rgb", "--pixel-format", "rgb24",
                        "--encoder-option", "crf=0", "--encoder-option", "preset=ultrafast",
                        "--encoder-option", "profile=high444",
                        # RGB planes, not a YUV matrix: the tags must say so too
                        "--encoder-option", "colorspace=rgb"], project, env, "render lossless",
                       folder / "lossless")
    video = _render(common, project, env, "render delivery encoding", folder / "delivery")
    q = compare(video, lossless)
    detail = (f"{scene.name} anims {animations}: {q['sampled']} of {q['frames']} frames; "
              f"mean {q['psnr_yuv_mean']:.1f} dB")
    rows = [
        Row("PSNR YUV, encode vs lossless", f"{q['psnr_yuv_min']:.1f} dB", detail,
            f"Y {q['psnr_y_min']:.1f} dB", f">= {TARGET_PSNR:.0f} dB", q["psnr_yuv_min"] >= TARGET_PSNR),
        Row("SSIM Y, encode vs lossless", f"{q['ssim_y_min']:.4f}", f"mean {q['ssim_y_mean']:.4f}",
            "-", "report", True),
        Row("PSNR RGB, viewer vs lossless", f"{q['psnr_rgb_min']:.1f} dB",
            f"mean {q['psnr_rgb_mean']:.1f} dB (4:2:0 chroma and rounding included)", "-", "report", True),
    ]
    return rows, []
