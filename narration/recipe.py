"""Versions of the narration's recipes that cache keys name, importable without numpy
(the build's no-op path reads them and must stay fast)."""

# The mastering of the mix (2: true peak read without the oversampler's edge ringing).
# Part of every cached scene track's key and of the joined lecture's.
MASTERING_VERSION = 2
