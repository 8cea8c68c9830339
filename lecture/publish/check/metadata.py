"""What videos.insert sends: title, description (with its chapter list), tags and the rest."""

from __future__ import annotations

import re

from lecture.publish import chapters, metadata
from lecture.delivery import spec
from lecture.publish.check.rules import Rule, add


def chapter_rules(description: str, duration: float | None) -> list[Rule]:
    rules: list[Rule] = []
    found = chapters.parse_description(description)
    starts = [s for s, _ in found]
    add(rules, "chapters: first at 0:00", bool(found) and starts[0] == 0,
        chapters.timestamp(starts[0]) if found else "no timestamps", "0:00")
    add(rules, "chapters: at least three", len(found) >= spec.CHAPTERS_MIN,
        str(len(found)), f">= {spec.CHAPTERS_MIN}")
    ascending = all(a < b for a, b in zip(starts, starts[1:]))
    add(rules, "chapters: ascending", ascending,
        "ascending" if ascending else "out of order: " + ", ".join(map(chapters.timestamp, starts)),
        "strictly ascending")
    if found and duration is not None:
        ends = starts[1:] + [duration]
        lengths = [(end - s, title) for (s, title), end in zip(found, ends)]
        shortest, title = min(lengths)
        add(rules, f"chapters: each at least {spec.CHAPTER_MIN_SECONDS} s",
            shortest >= spec.CHAPTER_MIN_SECONDS and starts[-1] < duration,
            f"shortest {shortest:.1f} s ({title})", f">= {spec.CHAPTER_MIN_SECONDS} s, last to the video's end")
    else:
        add(rules, f"chapters: each at least {spec.CHAPTER_MIN_SECONDS} s", False,
            "no chapters" if not found else "video duration unknown", f">= {spec.CHAPTER_MIN_SECONDS} s")
    return rules



def metadata_rules(meta: dict) -> list[Rule]:
    rules: list[Rule] = []
    title = meta.get("title")
    description = meta.get("description")
    tags = meta.get("tags")
    if not isinstance(title, str):
        add(rules, "metadata: title", False, repr(title), "text")
    else:
        ok = 0 < len(title) <= spec.TITLE_MAX_CHARS and not set("<>") & set(title)
        add(rules, "metadata: title", ok, f"{len(title)} characters{', has < or >' if set('<>') & set(title) else ''}",
            f"1 to {spec.TITLE_MAX_CHARS} characters, no < or >")
    if not isinstance(description, str):
        add(rules, "metadata: description", False, repr(description), "text")
    else:
        n = len(description.encode("utf-8"))
        ok = n <= spec.DESCRIPTION_MAX_BYTES and not set("<>") & set(description)
        add(rules, "metadata: description", ok,
            f"{n} bytes{', has < or >' if set('<>') & set(description) else ''}",
            f"<= {spec.DESCRIPTION_MAX_BYTES} bytes (chapters included), no < or >")
    if not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        add(rules, "metadata: tags", False, repr(tags), "a list of text")
    else:
        n = metadata.tags_length(tags)
        add(rules, "metadata: tags", n <= spec.TAGS_MAX_CHARS, f"{len(tags)} tags, {n} characters",
            f"<= {spec.TAGS_MAX_CHARS} characters")
    category = meta.get("categoryId")
    add(rules, "metadata: category", category == spec.CATEGORY_EDUCATION, repr(category), "'27' (Education)")
    lang = meta.get("defaultLanguage")
    add(rules, "metadata: language", isinstance(lang, str) and bool(re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang)),
        repr(lang), "a BCP-47 tag such as 'en'")
    privacy = meta.get("privacyStatus")
    add(rules, "metadata: privacy", privacy in spec.PRIVACY_VALUES, repr(privacy), " | ".join(spec.PRIVACY_VALUES))
    kids = meta.get("madeForKids")
    add(rules, "metadata: made for kids", kids is False, repr(kids), "False")
    return rules

