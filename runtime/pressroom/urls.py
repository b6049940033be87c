"""URLs authors put in front matter: which fields hold them, and which are allowed."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

ALLOWED_SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2_048
# Keys whose values are URLs, by the end of their name: featuredImage.url, images, canonicalURL,
# image.path (Jekyll themes)…
_URL_KEY = re.compile(
    r"(url|uri|href|src|link|image|images|canonical|thumbnail|cover|avatar|aliases|path)$", re.I
)
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]{0,31}):")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def url_problem(value: str) -> str | None:
    """Why `value` may not be used as a link or image address, or None if it may.

    Allowed: http and https URLs, protocol-relative ones (//host/path) and relative ones.
    """
    if len(value) > MAX_URL_LENGTH:
        return f"this URL is {len(value):,} characters long; the limit is {MAX_URL_LENGTH:,}"
    if _CONTROL.search(value):
        return "a URL may not contain control characters or line breaks"
    scheme = _SCHEME.match(value)
    if scheme and scheme[1].lower() not in ALLOWED_SCHEMES:
        return (
            f"{scheme[1]}: URLs are not allowed; use an http(s) URL, a protocol-relative one (//host/…) "
            "or a path on this site"
        )
    return None


def url_fields(front_matter: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (field path, URL) in front matter, found by key name, nested mappings and lists included."""
    for key, value in front_matter.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from url_fields(value, prefix=f"{path}.")
        elif _URL_KEY.search(key):
            if isinstance(value, str):
                yield path, value
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        yield f"{path}[{index}]", item
                    elif isinstance(item, Mapping):
                        yield from url_fields(item, prefix=f"{path}[{index}].")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    yield from url_fields(item, prefix=f"{path}[{index}].")


def absolute(url: str, base_url: str) -> str:
    """An address usable anywhere: protocol-relative gets https, a site path gets the site URL."""
    if url.startswith("//"):
        return "https:" + url
    if _SCHEME.match(url):
        return url
    return base_url.rstrip("/") + "/" + url.lstrip("/")
