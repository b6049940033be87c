"""A rendered page's images, offered at the size readers see them.

After the theme renders a page, every `<img>` whose source is an image on this site with a
record (pressroom.images: its smaller copies exist) becomes a `<picture>`: a WebP `<source>`
listing every WebP copy, and the `<img>` itself listing the copies in the original's format,
with `sizes` (the theme's text column) and the image's `width` and `height`, so the browser
picks the smallest copy that fills the slot and nothing shifts while it loads. An image without
a record (not processed yet, refused, remote) is left as it is.

The page's markup comes from the theme (autoescaped) and the sanitiser, so its tags are found
with the standard library's HTML tokenizer, never by a pattern that an attribute value holding
`<img` could fool.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from pressroom.images import WEBP, ImageRecord, resizable_type

# The theme's text column is 70ch wide, about 42rem at its type size; narrower screens fill it.
SIZES = "(min-width: 46rem) 42rem, 100vw"
_IMG_TAG = re.compile(r"<img\b", re.IGNORECASE)


@dataclass(frozen=True)
class _ImageTag:
    start: int  # offset of "<img" in the page
    end: int  # just after its ">"
    attributes: dict[str, str | None]


def image_keys(html: str, page_path: str, base_url: str) -> list[str]:
    """The upload keys of the site's resizable images the page shows, each once, in order."""
    if not _IMG_TAG.search(html):  # most pages: no need to tokenize them
        return []
    keys = (site_image_key(tag.attributes.get("src") or "", page_path, base_url) for tag in _image_tags(html))
    return list(dict.fromkeys(key for key in keys if key is not None))


def site_image_key(src: str, page_path: str, base_url: str) -> str | None:
    """The key of the image a page at `page_path` names as `src`, if it is a resizable image on
    this site: relative to the page, from the site's root, or absolute on the site's own URL."""
    site = urlsplit(base_url.rstrip("/") + "/")
    resolved = urlsplit(urljoin(f"{site.scheme}://{site.netloc}{page_path}", src.strip()))
    if (
        (resolved.scheme, resolved.netloc) != (site.scheme, site.netloc)
        or resolved.query
        or resolved.fragment
    ):
        return None
    key = unquote(resolved.path).removeprefix("/")
    if not key or any(part in ("", ".", "..") for part in key.split("/")):
        return None
    return key if resizable_type(key) is not None else None


def with_responsive_images(
    html: str, page_path: str, base_url: str, records: Mapping[str, ImageRecord]
) -> str:
    """The page with each recorded image offered as its copies (see the module's docstring)."""
    if not records:
        return html
    pieces: list[str] = []
    done = 0
    for tag in _image_tags(html):
        key = site_image_key(tag.attributes.get("src") or "", page_path, base_url)
        record = records.get(key) if key is not None else None
        if record is None or "srcset" in tag.attributes:
            continue
        pieces += [html[done : tag.start], _picture(tag.attributes, record)]
        done = tag.end
    return "".join(pieces) + html[done:]


def _picture(attributes: dict[str, str | None], record: ImageRecord) -> str:
    shown = dict(attributes)
    if "width" not in shown and "height" not in shown:
        shown |= {"width": str(record.width), "height": str(record.height)}
    formats = {variant.content_type for variant in record.variants}
    if record.content_type in formats:
        shown |= {"srcset": record.srcset(record.content_type), "sizes": SIZES}
    shown.setdefault("loading", "lazy")
    shown.setdefault("decoding", "async")
    img = "<img" + "".join(_attribute(name, value) for name, value in shown.items()) + ">"
    if record.content_type == WEBP or WEBP not in formats:
        return img
    webp = escape(record.srcset(WEBP))
    return f'<picture><source type="{WEBP}" srcset="{webp}" sizes="{SIZES}">{img}</picture>'


def _attribute(name: str, value: str | None) -> str:
    return f" {name}" if value is None else f' {name}="{escape(value)}"'


def _image_tags(html: str) -> Iterator[_ImageTag]:
    finder = _ImageFinder()
    finder.feed(html)
    finder.close()
    line_starts = [0]  # HTMLParser counts lines by "\n" alone
    line_starts += [newline.end() for newline in re.finditer("\n", html)]
    for (line, column), text, attributes in finder.found:
        start = line_starts[line - 1] + column
        yield _ImageTag(start, start + len(text), dict(attributes))


class _ImageFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[tuple[int, int], str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.found.append((self.getpos(), self.get_starttag_text() or "", attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
