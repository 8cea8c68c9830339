"""The lecture's YouTube metadata, read from `lecture.toml` at the repository root.

`lecture.toml` is the one file a user edits to say what the video is called,
how it is described and who may see it. The chapter list is written into the
description where it says `{chapters}` (or at its end).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from lecture.delivery import spec
from lecture.publish.errors import PublishError

METADATA_FILE = "lecture.toml"
CHAPTERS_PLACEHOLDER = "{chapters}"
YOUTUBE_KEYS = {"title", "description", "tags", "category", "language", "privacy", "made_for_kids"}


@dataclass(frozen=True)
class LectureMeta:
    title: str
    description: str
    tags: tuple[str, ...] = ()
    category: str = spec.CATEGORY_EDUCATION
    language: str = "en"
    privacy: str = "private"
    made_for_kids: bool = False
    chapter_titles: dict[str, str] = field(default_factory=dict)


def load_meta(repo: Path) -> LectureMeta:
    path = repo / METADATA_FILE
    if not path.is_file():
        raise PublishError(f"no {METADATA_FILE} in {repo}: run from the repository root")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PublishError(f"{METADATA_FILE} is not valid TOML: {exc}") from None
    yt = data.get("youtube")
    if not isinstance(yt, dict):
        raise PublishError(f"{METADATA_FILE} needs a [youtube] table")
    # A misspelt key must not fall back silently to a default (privacy above all).
    # [voice] belongs to the narration (narration/config.py checks it).
    for table, allowed in (("", {"youtube", "chapters", "voice"}), ("[youtube] ", YOUTUBE_KEYS)):
        unknown = sorted(set(data if not table else yt) - allowed)
        if unknown:
            raise PublishError(f"{METADATA_FILE}: unknown {table}key {unknown[0]!r} "
                               f"(known: {', '.join(sorted(allowed))})")

    def get(key: str, kind: type, default=None):
        value = yt.get(key, default)
        if value is None:
            raise PublishError(f"{METADATA_FILE}: [youtube] needs '{key}'")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise PublishError(f"{METADATA_FILE}: [youtube] {key} should be a {kind.__name__}, got {value!r}")
        return value

    tags = get("tags", list, [])
    if not all(isinstance(t, str) for t in tags):
        raise PublishError(f"{METADATA_FILE}: [youtube] tags should be a list of strings")
    privacy = get("privacy", str, "private")
    if privacy not in spec.PRIVACY_VALUES:
        raise PublishError(f"{METADATA_FILE}: [youtube] privacy should be one of "
                           f"{', '.join(spec.PRIVACY_VALUES)}, got {privacy!r}")
    titles = data.get("chapters", {})
    if not isinstance(titles, dict) or not all(isinstance(v, str) for v in titles.values()):
        raise PublishError(f"{METADATA_FILE}: [chapters] should map scene names to titles")
    return LectureMeta(
        title=get("title", str).strip(),
        description=get("description", str).strip(),
        tags=tuple(t.strip() for t in tags if t.strip()),
        category=str(get("category", int, int(spec.CATEGORY_EDUCATION))),
        language=get("language", str, "en"),
        privacy=privacy,
        made_for_kids=get("made_for_kids", bool, False),
        chapter_titles=dict(titles),
    )


def description_with_chapters(description: str, chapter_block: str) -> str:
    if CHAPTERS_PLACEHOLDER in description:
        return description.replace(CHAPTERS_PLACEHOLDER, chapter_block)
    return f"{description}\n\n{chapter_block}" if description else chapter_block


def tags_length(tags: list[str]) -> int:
    """Characters the tags take as YouTube counts them: commas between, quotes round spaced tags."""
    return sum(len(t) + (2 if " " in t else 0) for t in tags) + max(0, len(tags) - 1)


def build_metadata(meta: LectureMeta, chapter_block: str, privacy: str | None = None) -> dict:
    """The metadata.json of the bundle: what videos.insert sends, plus the chapters."""
    return {
        "title": meta.title,
        "description": description_with_chapters(meta.description, chapter_block),
        "tags": list(meta.tags),
        "categoryId": meta.category,
        "defaultLanguage": meta.language,
        "defaultAudioLanguage": meta.language,
        "privacyStatus": privacy or meta.privacy,
        "madeForKids": meta.made_for_kids,
    }


def insert_body(metadata: dict) -> dict:
    """The videos.insert request body for a bundle's metadata.json."""
    return {
        "snippet": {
            "title": metadata["title"],
            "description": metadata["description"],
            "tags": metadata["tags"],
            "categoryId": metadata["categoryId"],
            "defaultLanguage": metadata["defaultLanguage"],
            "defaultAudioLanguage": metadata["defaultAudioLanguage"],
        },
        "status": {
            "privacyStatus": metadata["privacyStatus"],
            "selfDeclaredMadeForKids": metadata["madeForKids"],
        },
    }
