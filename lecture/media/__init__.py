"""lecture.media."""
