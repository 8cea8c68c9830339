"""lecture.worker."""
