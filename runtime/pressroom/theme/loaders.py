"""Where templates come from: the packaged theme, and the names a site owner may override."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import BaseLoader

# Where a site owner's templates live in the uploads bucket: theme/post.html.j2 replaces post.html.j2.
THEME_PREFIX = "theme/"
# The site owner's stylesheet, uploaded as theme/style.css, replaces the packaged one.
STYLESHEET_OVERRIDE = "style.css"


def packaged_templates() -> BaseLoader:
    """The theme shipped in the layer."""
    from jinja2 import PackageLoader  # Jinja2 loads when templates do, not with THEME_PREFIX

    return PackageLoader("pressroom", "theme/templates")
