"""Where templates come from: the packaged theme, and the names a site owner may override."""

from __future__ import annotations

from jinja2 import BaseLoader, PackageLoader

# Where a site owner's templates live in the uploads bucket: theme/post.html.j2 replaces post.html.j2.
THEME_PREFIX = "theme/"


def packaged_templates() -> BaseLoader:
    """The theme shipped in the layer."""
    return PackageLoader("pressroom", "theme/templates")
