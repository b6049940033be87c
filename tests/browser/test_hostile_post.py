"""fixtures/hostile/xss-vectors.md: a valid post full of script-injection vectors, opened in Chromium.

Each vector, if it ran, would set window.__pwned, open a dialog, or request https://evil.example/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser
from sitecheck import HOSTILE_MARKER, HOSTILE_SLUG, PWNED, Site, browsing, open_and_settle

pytestmark = pytest.mark.browser

# What is left of the vectors in the DOM, even those that need a click, a hover or a submit to run.
RESIDUE = r"""() => {
  const markers = /__pwned|alert\(|fetch\(|msgbox|evil\.example/i;
  const urlAttributes = new Set(['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster',
    'background', 'codebase', 'cite', 'srcdoc']);
  const loading = new Set(['src', 'srcset', 'data', 'poster', 'background', 'action', 'formaction',
    'style', 'srcdoc', 'codebase']);
  const embedding = new Set(['iframe', 'frame', 'object', 'embed']);
  const found = [];
  for (const element of document.querySelectorAll('*')) {
    const tag = element.localName;
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value;
      // What the URL parser makes of it: whitespace and control characters do not count.
      const squashed = value.replace(/[\u0000-\u0020\u007f-\u00a0]/g, '').toLowerCase();
      const shown = `<${tag} ${attribute.name}="${value.slice(0, 100)}">`;
      const isUrl = urlAttributes.has(name);
      const navigates = ['href', 'action', 'formaction'].includes(name) && tag !== 'link';
      const embeds = embedding.has(tag) && ['src', 'data'].includes(name);
      const loads = loading.has(name) || (name === 'href' && ['link', 'base'].includes(tag));
      if (name.startsWith('on') && markers.test(value)) found.push(`event handler ${shown}`);
      if (isUrl && /^(java|vb|live)script:/.test(squashed)) found.push(`script URL ${shown}`);
      if (squashed.startsWith('data:') && (navigates || embeds)) found.push(`data: URL ${shown}`);
      if (loads && squashed.includes('evil.example')) found.push(`resource from another host ${shown}`);
    }
  }
  if (document.baseURI !== location.href) found.push(`<base> moved the document base to ${document.baseURI}`);
  for (const meta of document.querySelectorAll('meta[http-equiv]')) {
    const refresh = meta.httpEquiv.trim().toLowerCase() === 'refresh';
    if (refresh) found.push(`<meta http-equiv=refresh content="${meta.content}">`);
  }
  for (const script of document.querySelectorAll('script')) {
    const text = script.text + script.src;
    const data = script.type === 'application/ld+json';
    if (!data && markers.test(text)) found.push(`script ${text.slice(0, 120)}`);
  }
  for (const style of document.querySelectorAll('style')) {
    if (markers.test(style.textContent)) found.push(`style ${style.textContent.slice(0, 120)}`);
  }
  return found;
}"""


def test_the_hostile_post_is_published(site: Site):
    post = site.post(HOSTILE_SLUG)
    assert post["status"] == "published", f"the hostile post was not published: {post['reasons']}"
    assert post["url"] == site.url(f"/posts/{HOSTILE_SLUG}/")


def test_the_hostile_post_runs_no_script_and_reaches_no_other_host(site: Site, browser: Browser):
    url = site.url(f"/posts/{HOSTILE_SLUG}/")
    with browsing(browser, foreign="abort") as (page, probe):
        response = open_and_settle(page, url)

        assert response is not None
        assert response.status == 200, f"{url}: HTTP {response.status}"
        assert probe.dialogs == [], "a vector opened a dialog"
        assert page.evaluate(PWNED) is None, "a vector set window.__pwned"
        assert probe.foreign_requests == [], "the page tried to reach another host"
        assert page.url == url, "the page navigated away"
        assert HOSTILE_MARKER in page.inner_text("body"), "the hostile post's body did not render"


def test_nothing_of_the_vectors_is_left_in_the_hostile_posts_dom(site: Site, browser: Browser):
    # Links, handlers and forms that only fire on a click, a hover or a submit. With JavaScript
    # off, so that the DOM is the page as served, and nothing in it can hide what is left.
    url = site.url(f"/posts/{HOSTILE_SLUG}/")
    with browsing(browser, foreign="abort", javascript=False) as (page, _):
        response = page.goto(url, wait_until="load")
        assert response is not None
        assert response.status == 200, f"{url}: HTTP {response.status}"
        residue = page.evaluate(RESIDUE)
    assert residue == [], "\n".join(residue)
