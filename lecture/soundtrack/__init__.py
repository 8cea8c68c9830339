"""The pipeline's side of the narration: which voice a build uses, each scene's track,
and the lecture's track, encoded while scenes render and kept between builds.

Enters: the narration lines a render reports and the voice settings (lecture.toml).
Leaves: mastered scene tracks and their manifests in the scene cache, the lecture's
encoded track for the join.
May import: lecture.delivery, lecture.media, lecture.core; narration.
"""
