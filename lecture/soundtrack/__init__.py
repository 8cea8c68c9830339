"""lecture.soundtrack."""
