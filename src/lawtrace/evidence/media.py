"""Media facts read with ffprobe (duration, creation time, codec, resolution, whether there is sound) and poster
frames cut with ffmpeg — kept beside what the officer typed, so that disagreements can be shown, never resolved
silently. Missing ffprobe is not an error: the facts are then simply unknown.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils.dateparse import parse_datetime

TIMEOUT = 60


def available() -> bool:
    return shutil.which("ffprobe") is not None and shutil.which("ffmpeg") is not None


def probe(source: str) -> dict[str, Any]:
    """The facts ffprobe reads from a file (a path or a URL), as a small JSON-able dict; {} when unreadable."""
    if shutil.which("ffprobe") is None:
        return {}
    try:
        out = subprocess.run(  # noqa: S603 - fixed program, the source is our own storage path or URL
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", source],  # noqa: S607
            capture_output=True,
            timeout=TIMEOUT,
            check=True,
        ).stdout
        data = json.loads(out)
    except (subprocess.SubprocessError, ValueError):
        return {}
    streams = data.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    fmt = data.get("format", {})
    facts: dict[str, Any] = {"format": fmt.get("format_name", "")}
    if (duration := fmt.get("duration")) is not None:
        facts["duration_ms"] = int(float(duration) * 1000)
    created = (fmt.get("tags") or {}).get("creation_time") or ((video or audio or {}).get("tags") or {}).get(
        "creation_time"
    )
    if created:
        facts["creation_time"] = created
    if video:
        facts["video_codec"] = video.get("codec_name", "")
        facts["width"], facts["height"] = video.get("width"), video.get("height")
    if audio:
        facts["audio_codec"] = audio.get("codec_name", "")
    facts["has_audio"] = audio is not None
    facts["has_video"] = video is not None and fmt.get("format_name", "") not in ("image2", "png_pipe", "jpeg_pipe")
    return facts


def poster(source: str, *, at_seconds: float = 1.0, width: int = 640) -> bytes:
    """A JPEG frame of a video (at 1 s, or the first frame of a shorter one); b"" when none can be cut."""
    if shutil.which("ffmpeg") is None:
        return b""
    for seek in (at_seconds, 0.0):
        try:
            out = subprocess.run(  # noqa: S603 - fixed program and arguments
                [  # noqa: S607
                    "ffmpeg",
                    "-v",
                    "error",
                    "-ss",
                    str(seek),
                    "-i",
                    source,
                    "-frames:v",
                    "1",
                    "-vf",
                    f"scale='min({width},iw)':-2",
                    "-f",
                    "image2",
                    "-c:v",
                    "mjpeg",
                    "pipe:1",
                ],
                capture_output=True,
                timeout=TIMEOUT,
                check=True,
            ).stdout
        except subprocess.SubprocessError:
            continue
        if out:
            return out
    return b""


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime


def media_span(facts: dict[str, Any]) -> Span | None:
    """When the media says it was recorded: its creation time and duration (None when it does not say)."""
    created = parse_datetime(str(facts.get("creation_time", "")).replace("Z", "+00:00"))
    if created is None or created.tzinfo is None:
        return None
    return Span(created, created + timedelta(milliseconds=int(facts.get("duration_ms", 0))))
