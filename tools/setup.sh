#!/bin/sh
# Make this machine ready to render and test the lecture:
#   1. the system packages Manim needs (Cairo and Pango headers, pkg-config, a C
#      compiler and Python headers for pycairo, LaTeX with dvisvgm), via apt-get;
#   2. a .venv with the project installed (editable, with the test extra).
# Each step is skipped when already done, so a set-up machine pays well under 2 s.
set -eu
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3 || true)}
VENV=.venv
STAMP=$VENV/.installed

if [ -z "$PYTHON" ]; then
    echo "setup: no python3.11 found; install Python 3.11 first" >&2
    exit 2
fi

# --- 1. system packages -----------------------------------------------------
need=""
pkg-config --exists cairo pangocairo 2>/dev/null || need="$need libcairo2-dev libpango1.0-dev pkg-config"
command -v cc >/dev/null 2>&1 || need="$need gcc"
"$PYTHON" - <<'PY' 2>/dev/null || need="$need python3-dev"
import os, sysconfig
raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))
PY
"$PYTHON" -c "import ensurepip, venv" 2>/dev/null || need="$need python3-venv"
command -v dvisvgm >/dev/null 2>&1 || need="$need dvisvgm"
# The one font every Text in the lecture uses (scenes/palette.py), so frames match everywhere.
fc-list "DejaVu Sans" 2>/dev/null | grep -q . || need="$need fonts-dejavu-core fontconfig"
# PortAudio, which sounddevice (lecture record: takes from the microphone) loads.
ldconfig -p 2>/dev/null | grep -q "libportaudio.so.2" || need="$need libportaudio2"
# The files Manim's default LaTeX template and our formulas load.
tex_files="standalone.cls preview.sty babel.sty english.ldf amsmath.sty amssymb.sty"
if ! command -v latex >/dev/null 2>&1 \
   || [ "$(kpsewhich $tex_files 2>/dev/null | wc -l)" -ne "$(echo $tex_files | wc -w)" ]; then
    need="$need texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended"
fi
# The presenter's browser tests: headless Chromium driven through chromedriver, and
# pdftoppm to render the handout's first page.
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v chromedriver >/dev/null 2>&1 || need="$need chromium-driver"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"

if [ -n "$need" ]; then
    cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$need"
    if [ "$(id -u)" -eq 0 ]; then
        echo "setup: installing system packages:$need"
        sh -c "$cmd"
    else
        echo "setup: system packages are missing. Run this as root, then run make again:" >&2
        echo "  sudo sh -c '$cmd'" >&2
        exit 2
    fi
fi

# --- 2. the virtual environment ----------------------------------------------
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    echo "setup: creating $VENV with the project installed"
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e ".[test]"
    touch "$STAMP"
fi
