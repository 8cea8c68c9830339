"""lecture.core."""
