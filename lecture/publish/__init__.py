"""Publishing to YouTube: build an upload-ready bundle, check it, upload it.

    render (media/lecture/<q>/)  --bundle.build-->  media/lecture/<q>/youtube/
    youtube/  --check.check_bundle-->  one pass/fail line per YouTube rule
    youtube/  --upload.publish-->  https://youtu.be/<id>

Enters: a built lecture in media/lecture/<q>/ and lecture.toml [youtube].
Leaves: the bundle, the check's report, the upload and its resume record.
The click commands live in lecture.cli.publish; nothing here needs the Google
client but `upload`, which loads it.
May import: lecture.delivery, lecture.media, lecture.core; narration.
"""
