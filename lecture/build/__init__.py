"""lecture.build."""
