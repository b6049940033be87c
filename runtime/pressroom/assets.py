"""Files uploaded beside posts, copied to the site as they are: which, where, and with what type.

`assets/<path>` is served at /assets/<path>; `posts/<slug>/<file>` at /posts/<slug>/<file>, so a
post links its own images relatively (`![Chart](chart.png)`). Only types that cannot carry
script are copied: no HTML, no XML. An SVG can carry script, so it is copied only if
`svg_problem` finds none of what could run (see there). `assets/theme/` belongs to the theme.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import cast

from pressroom.urls import url_problem

# Not fingerprinted: a day at the edge, and replaced files are invalidated on CloudFront too.
ASSET_CACHE_CONTROL = "public, max-age=86400"
ASSET_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
}
SVG = ".svg"
MAX_SVG_BYTES = 5_000_000  # an icon or a diagram; read whole to be checked
THEME_PREFIX = "assets/theme/"


# A favicon uploaded as assets/favicon.ico is also served where browsers look for one unasked.
FAVICON = "assets/favicon.ico"
ROOT_FAVICON = "favicon.ico"


@dataclass(frozen=True)
class AssetTarget:
    key: str  # the same key in the hosting bucket
    content_type: str
    also: tuple[str, ...] = ()  # other keys the site serves the same file at

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, *self.also)


class AssetRefusedError(ValueError):
    """An upload under an asset prefix that pressroom will not put on the site."""


def asset_target(key: str) -> AssetTarget:
    """Where an uploaded asset goes on the site, or AssetRefusedError saying why it does not."""
    path = PurePosixPath(key)
    if key.startswith(THEME_PREFIX):
        raise AssetRefusedError(f"{key}: {THEME_PREFIX} belongs to the theme")
    if not (key.startswith("assets/") or (key.startswith("posts/") and len(path.parts) >= 3)):
        raise AssetRefusedError(f"{key}: assets go under assets/ or posts/<slug>/")
    if any(part in ("", ".", "..") for part in key.split("/")) or "\\" in key:  # as written, not normalised
        raise AssetRefusedError(f"{key}: not a plain path")
    content_type = ASSET_TYPES.get(path.suffix.lower())
    if content_type is None:
        allowed = ", ".join(sorted(ASSET_TYPES))
        raise AssetRefusedError(f"{key}: only {allowed} files are copied to the site")
    return AssetTarget(key=key, content_type=content_type, also=(ROOT_FAVICON,) if key == FAVICON else ())


# What an SVG may hold: drawing, text, paint servers, filters, animation of drawing attributes,
# and the metadata drawing programs write (Inkscape's, RDF); nothing that runs or embeds a document.
_SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_INERT_NAMESPACES = frozenset(
    {
        _SVG_NAMESPACE,
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://creativecommons.org/ns#",
        "http://purl.org/dc/elements/1.1/",
        "http://www.inkscape.org/namespaces/inkscape",
        "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    }
)
_SVG_ELEMENTS = frozenset(
    {
        "svg", "g", "a", "defs", "symbol", "use", "switch", "view", "title", "desc", "metadata", "style",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "image", "marker",
        "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "pattern",
        "clipPath", "mask", "filter", "animate", "animateMotion", "animateTransform", "mpath", "set",
        "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
        "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood",
        "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge",
        "feMergeNode", "feMorphology", "feOffset", "fePointLight", "feSpecularLighting",
        "feSpotLight", "feTile", "feTurbulence",
    }
)  # fmt: skip
_ANIMATIONS = frozenset({"animate", "animateMotion", "animateTransform", "set"})
# Besides the links url_problem allows (http(s), paths), an image embedded in the SVG.
_EMBEDDED_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp)[;,]", re.IGNORECASE)


def svg_problem(data: bytes) -> str | None:
    """What in an SVG could run as script or embed a document, or None if nothing does.

    Refused: script and foreignObject (and any element outside SVG and drawing programs'
    metadata: an XHTML script runs in an SVG document), event-handler attributes, links with any
    scheme but http(s) and embedded images, animations that change a link or a handler,
    processing instructions (an XSLT style sheet) and entity declarations (entity expansion).
    Shapes, text, links, gradients, filters, <style> and metadata are what icons and diagrams
    hold, and pass.
    """
    if len(data) > MAX_SVG_BYTES:
        return f"it is larger than {MAX_SVG_BYTES // 1_000_000} MB, the most an SVG may be"
    if b"<!ENTITY" in data:
        return "it declares XML entities"
    parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(events=("start", "pi"))
    try:
        parser.feed(data)
        parser.close()
        # "start" and "pi" events, the only ones asked for, each give an element
        events = cast("list[tuple[str, ElementTree.Element]]", list(parser.read_events()))
    except ElementTree.ParseError as error:
        return f"it is not well-formed XML ({error})"
    for position, (event, item) in enumerate(events):
        if event == "pi":
            return f"it holds the processing instruction <?{(item.text or '').partition(' ')[0]}?>"
        problem = _svg_element_problem(item, root=position == 0)
        if problem is not None:
            return problem
    return None


def _svg_element_problem(element: ElementTree.Element, root: bool) -> str | None:
    namespace, _, name = element.tag.rpartition("}")
    namespace = namespace.lstrip("{")
    if root and (namespace, name) != (_SVG_NAMESPACE, "svg"):
        return f"its root element is <{name}>, not <svg> in the SVG namespace ({_SVG_NAMESPACE})"
    if namespace not in _INERT_NAMESPACES or (namespace == _SVG_NAMESPACE and name not in _SVG_ELEMENTS):
        return f"it holds a <{name}> element, which an image does not need and which can run script"
    for attribute, value in element.attrib.items():
        local = attribute.rpartition("}")[2]
        if local.lower().startswith("on"):
            return f"<{name}> has the event handler {local}=…"
        if local == "href" and not _EMBEDDED_IMAGE.match(value):
            problem = url_problem(value)
            if problem is not None:
                return f"<{name}> links to {value[:60]!r}: {problem}"
    if name in _ANIMATIONS:
        animated = element.get("attributeName", "").rpartition(":")[2].lower()
        if animated == "href" or animated.startswith("on"):
            return f"<{name}> changes the attribute {animated}"
    return None
