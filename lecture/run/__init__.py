"""Where renders run: worker processes on this machine, the render server that forks
them warm, or a Dask cluster; all hand back the same outcome.

Enters: Jobs (a scene, one chunk of it, one section, or a still), from lecture.build.
Leaves: JobOutcomes: the worker's result, its video on this machine's disk, time,
CPU and memory, and the log.
May import: lecture.worker (the render server imports it before forking),
lecture.soundtrack, lecture.delivery, lecture.media, lecture.core; narration.
"""
