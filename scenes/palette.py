"""One visual language for every scene: colour roles, type sizes, the font.

Colours are the Okabe-Ito palette, chosen to stay distinct for the common forms
of colour blindness; each has one role and keeps it in every scene.
"""

from __future__ import annotations

BACKGROUND = "#101418"  # also set in manim.cfg

# Roles.
LOSS = "#56B4E9"  # sky blue: loss curves and loss values
GRADIENT = "#E69F00"  # orange: slopes, derivatives, tangent lines
WEIGHT = "#F0E442"  # yellow: the weight w and its marker
STEP = "#CC79A7"  # reddish purple: update arrows and step sizes
GOOD = "#009E73"  # bluish green: converges, learns
BAD = "#D55E00"  # vermillion: diverges, stalls, vanishes
TEXT = "#ECEFF4"  # body text and formulas
MUTED = "#9AA5B1"  # axes, captions, secondary text

FONT = "DejaVu Sans"

# Type sizes (Manim font_size points). SMALL is the floor: the layout tests
# refuse any glyph drawn smaller than readable at 480p.
TITLE_SIZE = 40
BODY_SIZE = 32
LABEL_SIZE = 28
SMALL_SIZE = 24
