"""The CloudFront Function in template.yaml and the local server's rewrite() agree, case by case."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from helpers import TEMPLATE
from py_mini_racer import MiniRacer

from pressroom_tools.local.site import Rewrite, rewrite
from pressroom_tools.local.template import load_template

CASES = [
    ("/", Rewrite(key="index.html")),
    ("/posts/hello/", Rewrite(key="posts/hello/index.html")),
    ("/posts/hello", Rewrite(redirect_to="/posts/hello/")),
    ("/feed.xml", Rewrite(key="feed.xml")),
    ("/assets/site.3f2a.css", Rewrite(key="assets/site.3f2a.css")),
    ("/posts/v1.2-notes/", Rewrite(key="posts/v1.2-notes/index.html")),
    ("/tags", Rewrite(redirect_to="/tags/")),
    ("/posts/hello?utm_source=feed", Rewrite(redirect_to="/posts/hello/?utm_source=feed")),
    ("/tags?a=1&a=2&flag", Rewrite(redirect_to="/tags/?a=1&a=2&flag")),
    ("/posts/hello/?utm_source=feed", Rewrite(key="posts/hello/index.html")),
]


def querystring(query: str) -> dict[str, Any]:
    """A query string as CloudFront Functions pass it: values as sent, repeated names in multiValue."""
    values: dict[str, list[str]] = {}
    for part in filter(None, query.split("&")):
        name, _, value = part.partition("=")
        values.setdefault(name, []).append(value)
    return {
        name: {"value": found[0], **({"multiValue": [{"value": v} for v in found]} if len(found) > 1 else {})}
        for name, found in values.items()
    }


@pytest.fixture(scope="module")
def cloudfront_function() -> Iterator[MiniRacer]:
    code = load_template(TEMPLATE)["Resources"]["PrettyUrlsFunction"]["Properties"]["FunctionCode"]
    context = MiniRacer()
    try:
        context.eval(code)
        yield context
    finally:
        context.close()  # an open V8 context keeps the interpreter from exiting (pytest -x hung)


def as_rewrite(result: dict[str, Any]) -> Rewrite:
    if "statusCode" in result:
        assert result["statusCode"] == 301
        return Rewrite(redirect_to=result["headers"]["location"]["value"])
    return Rewrite(key=result["uri"].lstrip("/"))


@pytest.mark.parametrize(("uri", "expected"), CASES)
def test_the_cloudfront_function_rewrites_as_documented(
    cloudfront_function: MiniRacer, uri: str, expected: Rewrite
):
    path, _, query = uri.partition("?")
    request = {"uri": path, "method": "GET", "headers": {}, "querystring": querystring(query)}
    result = cloudfront_function.call("handler", {"request": request})
    assert as_rewrite(result) == expected


@pytest.mark.parametrize(("uri", "expected"), CASES)
def test_the_local_server_rewrites_the_same_way(uri: str, expected: Rewrite):
    path, _, query = uri.partition("?")
    assert rewrite(path, query) == expected
