"""lecture.run."""
