"""SVGs under assets/ and beside posts: published only if nothing in them could run.

An SVG opened on its own (a link to it, an <object> on another site) is a document of the site's
origin: a script in it would run there. What drawing programs and diagram tools write passes.
"""

from __future__ import annotations

import pytest
from world import BUCKET, World

from pressroom.assets import MAX_SVG_BYTES, asset_target, svg_problem
from pressroom.events import SourceObject
from pressroom.pipeline.assets import AssetsStage
from pressroom.ports import CurrentVersion

SVG_OPEN = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
)

# As Inkscape saves one: a DOCTYPE, its own and RDF metadata, a gradient, a style sheet, a link.
DRAWN = f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
{SVG_OPEN[:-1]} xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
  xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
  xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:cc="http://creativecommons.org/ns#"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <sodipodi:namedview inkscape:zoom="1.5" />
  <metadata><rdf:RDF><cc:Work rdf:about=""><dc:title>Logo</dc:title></cc:Work></rdf:RDF></metadata>
  <title>Logo</title>
  <style>.a {{ fill: url(#g); }}</style>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>
    <filter id="f"><feGaussianBlur stdDeviation="1"/></filter></defs>
  <g inkscape:label="Layer 1" filter="url(#f)">
    <path class="a" d="M0 0h10v10z"/><use xlink:href="#g"/><text x="1" y="9">Hi</text>
    <a href="https://example.com/about"><rect width="2" height="2"/></a>
    <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
    <image href="photo.jpg" width="1" height="1"/>
    <animate attributeName="opacity" from="0" to="1" dur="1s"/>
  </g>
</svg>
"""


def svg(inner: str) -> bytes:
    return f"{SVG_OPEN}{inner}</svg>".encode()


def test_what_drawing_programs_write_passes():
    assert svg_problem(DRAWN.encode()) is None


def test_an_animation_of_no_named_attribute_passes():
    assert svg_problem(svg('<circle r="1"><animateMotion path="M0 0h5" dur="2s"/></circle>')) is None


def test_an_svg_of_exactly_the_largest_size_is_checked_not_refused_for_its_size():
    padding = MAX_SVG_BYTES - len(svg(""))

    assert svg_problem(svg(" " * padding)) is None


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param(svg("<script>alert(1)</script>"), "it holds a <script> element", id="script"),
        pytest.param(
            svg('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'),
            "it holds a <foreignObject> element",
            id="foreign-object",
        ),
        pytest.param(
            svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'),
            "it holds a <script> element",
            id="xhtml-script",
        ),
        pytest.param(
            svg('<rect onclick="alert(1)"/>'), "<rect> has the event handler onclick=", id="handler"
        ),
        pytest.param(
            svg('<svg onLoad="alert(1)"/>'), "<svg> has the event handler onLoad=", id="handler-case"
        ),
        pytest.param(
            svg('<a xlink:href="javascript:alert(1)"><rect/></a>'),
            "<a> links to 'javascript:alert(1)': javascript: URLs are not allowed",
            id="javascript-link",
        ),
        pytest.param(
            svg('<a href="java&#10;script:alert(1)"><rect/></a>'),
            "<a> links to 'java\\nscript:alert(1)': a URL may not contain control characters or line breaks",
            id="javascript-link-split-by-a-line-break",
        ),
        pytest.param(
            svg('<image href="data:image/svg+xml;base64,PHN2Zz4="/>'),
            "<image> links to 'data:image/svg+xml;base64,PHN2Zz4=': data: URLs are not allowed",
            id="embedded-svg-document",
        ),
        pytest.param(
            svg('<a><set attributeName="href" to="javascript:alert(1)"/><rect/></a>'),
            "<set> changes the attribute href",
            id="animated-link",
        ),
        pytest.param(
            svg('<rect><animate attributeName="onclick" to="alert(1)"/></rect>'),
            "<animate> changes the attribute onclick",
            id="animated-handler",
        ),
        pytest.param(
            svg(f'<a href="javascript:{"x" * 100}"/>'),
            f"<a> links to 'javascript:{'x' * 49}': javascript: URLs are not allowed",
            id="a-long-link-named-by-its-first-60-characters",
        ),
        pytest.param(
            svg('<a><animate attributeName="xlink:href" values="javascript:alert(1)"/></a>'),
            "<animate> changes the attribute href",
            id="animated-xlink",
        ),
        pytest.param(
            b'<?xml-stylesheet type="text/xsl" href="x.xsl"?>' + svg(""),
            "it holds the processing instruction <?xml-stylesheet?>",
            id="xslt",
        ),
        pytest.param(
            b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">]>' + svg("&a;"),
            "it declares XML entities",
            id="entities",
        ),
        pytest.param(
            b"<svg><rect/></svg>",
            "its root element is <svg>, not <svg> in the SVG namespace",
            id="no-namespace",
        ),
        pytest.param(
            b'<html xmlns="http://www.w3.org/1999/xhtml"><body onload="alert(1)"/></html>',
            "its root element is <html>",
            id="xhtml-document",
        ),
        pytest.param(svg("<rect>"), "it is not well-formed XML", id="malformed"),
        pytest.param(
            svg(" " * MAX_SVG_BYTES), "it is larger than 5 MB, the most an SVG may be", id="too-large"
        ),
    ],
)
def test_what_could_run_is_refused_naming_it(data: bytes, problem: str):
    found = svg_problem(data)

    assert found is not None
    assert found.startswith(problem)


@pytest.mark.parametrize(
    ("key", "content_type"),
    [
        ("assets/favicon.ico", "image/x-icon"),
        ("assets/FAVICON.ICO", "image/x-icon"),
        ("assets/logo.svg", "image/svg+xml"),
        ("assets/site.webmanifest", "application/manifest+json"),
        ("assets/humans.txt", "text/plain; charset=utf-8"),
        ("posts/hello/diagram.svg", "image/svg+xml"),
    ],
)
def test_common_site_files_are_typed_by_their_names(key: str, content_type: str):
    assert asset_target(key).content_type == content_type


def test_a_safe_svg_is_copied_and_an_unsafe_new_version_leaves_the_site_as_it_was():
    world = World()
    stage = AssetsStage(world.site, world.uploads, world.invalidations)
    world.upload("posts/hello/diagram.svg", DRAWN.encode())

    assert stage.sync(BUCKET, "posts/hello/diagram.svg").action == "copied"
    copy = world.site.objects["posts/hello/diagram.svg"]
    assert (copy.body, copy.content_type) == (DRAWN.encode(), "image/svg+xml")

    world.upload("posts/hello/diagram.svg", svg("<script>alert(1)</script>"))

    assert stage.sync(BUCKET, "posts/hello/diagram.svg") == (
        "refused",
        "posts/hello/diagram.svg: this SVG was not published: it holds a <script> element, which an "
        "image does not need and which can run script",
    )
    assert world.site.objects["posts/hello/diagram.svg"].body == DRAWN.encode()


class _RacingUploads:
    """The uploads bucket as seen by a stage whose `current` was answered just before a newer
    version arrived: `current` names the older one, reads of no version get the newer."""

    def __init__(self, world: World, key: str) -> None:
        self.world = world
        self.checked = world.uploads.current(BUCKET, key)

    def current(self, bucket: str, key: str) -> CurrentVersion | None:
        return self.checked

    def read(self, source: SourceObject) -> bytes | None:
        return self.world.uploads.read(source)


def test_the_version_checked_is_the_version_published():
    world = World()
    world.upload("assets/logo.svg", DRAWN.encode())
    racing = _RacingUploads(world, "assets/logo.svg")
    world.upload("assets/logo.svg", svg("<script>alert(1)</script>"))  # arrives after the check's read
    stage = AssetsStage(world.site, racing, world.invalidations)

    assert stage.sync(BUCKET, "assets/logo.svg").action == "copied"
    assert world.site.objects["assets/logo.svg"].body == DRAWN.encode()


class _DeletedWhileRead(_RacingUploads):
    def read(self, source: SourceObject) -> bytes | None:
        return None


def test_an_svg_deleted_while_it_is_checked_is_left_to_the_deletions_event():
    world = World()
    world.upload("assets/logo.svg", DRAWN.encode())
    stage = AssetsStage(world.site, _DeletedWhileRead(world, "assets/logo.svg"), world.invalidations)

    assert stage.sync(BUCKET, "assets/logo.svg") == (
        "refused",
        "assets/logo.svg: its version was deleted while it was read (the event for the deletion removes it)",
    )
    assert world.site.objects == {}
