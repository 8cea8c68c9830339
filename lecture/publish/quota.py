"""The YouTube Data API's quota: what publishing costs, and which allowance a refusal means.

A Google Cloud project gets 10,000 units a day. Publishing costs about 550:
videos.insert about 100 units, thumbnails.set about 50, captions.insert 400.
Uploads also have an allowance of their own: videos.insert may be called about
100 times a day per project, whatever units are left. Both reset at midnight
Pacific time. (A channel's own daily upload limit is a third, separate limit:
uploadLimitExceeded.)

How each shows up (as reported by API users; Google documents the reasons, not
the texts): the unit quota as 403 `quotaExceeded` ("...exceeded your quota")
or the older `dailyLimitExceeded`; the uploads allowance as 429
`rateLimitExceeded` whose message names the "Video Uploads per day" limit; a
short-term rate limit as `rateLimitExceeded`/`userRateLimitExceeded` without it.
"""

from __future__ import annotations

import re

DAILY_UNITS = 10_000
COSTS = {"videos.insert": 100, "thumbnails.set": 50, "captions.insert": 400}
INSERTS_PER_DAY = 100
PUBLISH_UNITS = sum(COSTS.values())
METHOD_OF_STEP = {"video upload": "videos.insert", "thumbnail": "thumbnails.set", "captions": "captions.insert"}

REASONS = ("quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded", "userRateLimitExceeded")
_UPLOADS_PER_DAY = re.compile(r"video uploads?\b.*per day|uploads per day", re.IGNORECASE)
RESET = "it resets at midnight Pacific time"


def is_quota(reason: str) -> bool:
    return reason in REASONS


def which_allowance(reason: str, message: str) -> str:
    """'uploads' (videos.insert's daily calls), 'units' (the project's daily units) or 'rate'."""
    if _UPLOADS_PER_DAY.search(message or ""):
        return "uploads"
    if reason in ("quotaExceeded", "dailyLimitExceeded"):
        return "units"
    return "rate"


def explain(reason: str, message: str, step: str) -> str:
    """One line naming the allowance that ran out during `step`, and what to do."""
    method = METHOD_OF_STEP.get(step, step)
    allowance = which_allowance(reason, message)
    if allowance == "uploads":
        return (f"YouTube refused {method} during the {step}: the project's own allowance of "
                f"{INSERTS_PER_DAY} uploads a day is used up ({reason}); {RESET}")
    if allowance == "units":
        cost = COSTS.get(method)
        costs = f"{method} costs about {cost} units; " if cost else ""
        return (f"YouTube API quota exceeded during the {step}: the project's {DAILY_UNITS:,} units a day "
                f"are used up ({reason}; {costs}a whole publish about {PUBLISH_UNITS}); {RESET}")
    return (f"YouTube is limiting how fast this project may call {method} ({reason}), during the {step}: "
            f"a short-term rate limit, not the daily quota; wait a minute and run again")
