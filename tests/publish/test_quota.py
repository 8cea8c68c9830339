"""A quota refusal names the allowance that ran out (quota.py), through the whole upload."""

from __future__ import annotations

import pytest

from lecture.publish import quota
from lecture.publish.errors import PublishError

from tests.publish.test_upload import Run, api_error, bundle, ok, resume, session  # noqa: F401 - bundle is a fixture

UNITS = "The request cannot be completed because you have exceeded your quota."
UPLOADS = ("Quota exceeded for quota metric 'Video Uploads' and limit 'Video Uploads per day' of service "
           "'youtube.googleapis.com' for consumer 'project_number:1'.")


@pytest.mark.parametrize("reason, message, allowance", [
    ("quotaExceeded", UNITS, "units"),
    ("dailyLimitExceeded", "Daily Limit Exceeded.", "units"),
    ("rateLimitExceeded", UPLOADS, "uploads"),
    ("rateLimitExceeded", "Rate Limit Exceeded", "rate"),
    ("userRateLimitExceeded", "User Rate Limit Exceeded", "rate"),
])
def test_which_allowance(reason, message, allowance):
    assert quota.which_allowance(reason, message) == allowance


def test_the_costs_add_up():
    assert quota.COSTS == {"videos.insert": 100, "thumbnails.set": 50, "captions.insert": 400}
    assert quota.PUBLISH_UNITS == 550 and quota.INSERTS_PER_DAY == 100


@pytest.mark.parametrize("script, says", [
    ([api_error(403, "quotaExceeded", UNITS)],
     "during the video upload: the project's 10,000 units a day are used up (quotaExceeded; "
     "videos.insert costs about 100 units; a whole publish about 550)"),
    ([api_error(429, "rateLimitExceeded", UPLOADS)],
     "YouTube refused videos.insert during the video upload: the project's own allowance of 100 uploads "
     "a day is used up"),
    ([session(), resume(1023), resume(2047), ok({"id": "v"}), ok(), api_error(403, "quotaExceeded", UNITS)],
     "during the captions: the project's 10,000 units a day are used up (quotaExceeded; captions.insert "
     "costs about 400 units"),
    ([session(), resume(1023), resume(2047), ok({"id": "v"}), api_error(403, "quotaExceeded", UNITS)],
     "during the thumbnail: the project's 10,000 units a day are used up (quotaExceeded; thumbnails.set "
     "costs about 50 units"),
])
def test_a_quota_refusal_says_which_allowance_ran_out(bundle, script, says):
    run = Run(script)
    with pytest.raises(PublishError) as info:
        run(bundle)
    message = str(info.value)
    assert says in message and "midnight Pacific" in message and "\n" not in message
    assert run.sleeps == []  # not retried: waiting seconds does not refill a daily allowance
