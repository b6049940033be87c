"""How the site's objects are served: each one's content type and how long a cache may keep it."""

from __future__ import annotations

# Pages and feeds change when posts do: a minute at the edge, and CloudFront is told at once
# (see adapters/cdn.py). Fingerprinted files never change: a year, immutable.
SHORT_CACHE = "public, max-age=60, s-maxage=60"
LONG_CACHE = "public, max-age=31536000, immutable"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
FEED_TYPES = {
    "atom.xml": "application/atom+xml; charset=utf-8",
    "rss.xml": "application/rss+xml; charset=utf-8",
}


def content_type_of(key: str) -> str:
    if key in FEED_TYPES:
        return FEED_TYPES[key]
    suffix = key[key.rfind(".") :] if "." in key else ""
    return CONTENT_TYPES.get(suffix, "application/octet-stream")
