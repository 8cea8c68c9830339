"""The `lecture` command and the pipeline from scene sources to a published video.

Packages by stage, top to bottom; a package imports only those below it
(the contract is in pyproject.toml, checked by tests/test_layers.py):

    cli, bench          parse and report: the click commands; `make bench`
    publish, presenter  the built lecture to YouTube; to a browser, live
    build               what is stale, chunks, the scene cache, joining the lecture
    run                 where renders run: local worker processes, render server, Dask
    worker              inside one render process: Manim and every patch of it
    soundtrack          the build's side of the narration: voices, tracks, the join's audio
    delivery            the encoding YouTube receives, written at render time
    media               video, audio and caption files (PyAV, srt/vtt)
    core                the project on disk, errors, atomic writes and the lock

Below `lecture` come `scenes`, `narration` and `lessonlib`.
"""
