"""Publishing to YouTube: build an upload-ready bundle, check it, upload it.

    render (media/lecture/<q>/)  --bundle.build-->  media/lecture/<q>/youtube/
    youtube/  --check.check_bundle-->  one pass/fail line per YouTube rule
    youtube/  --upload.publish-->  https://youtu.be/<id>

The click commands live in `commands`; everything else is importable without
the Google client, which only `upload` loads.
"""
