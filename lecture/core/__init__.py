"""What every stage shares: the project on disk and how files are written.

Enters: the working directory (lecture.toml, manim.cfg, the scene list).
Leaves: Project and Scene (project.py), the one-line errors (errors.py), atomic
writes, file stamps and the project lock (store.py).
May import: nothing else of lecture (only the standard library and click).
"""
