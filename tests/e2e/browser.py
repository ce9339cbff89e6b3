"""Open a page in headless Chromium with the network disabled and report what rendered."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

VIEWPORT_WIDTH = 1280  # a laptop's browser window
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def _skip(reason: str) -> None:
    # CI sets REQUIRE_BROWSER=1: there a missing browser is a failure, never a silent skip
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def chromium_or_skip() -> str:
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            break
    else:
        found = shutil.which("chromium")
        if not found:
            _skip("no Chromium installed (Debian: apt-get install chromium); CI installs it")
        candidate = found
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _skip("playwright is not installed (uv pip sync requirements.lock)")
    return candidate


@dataclass
class Rendered:
    charts: list[dict] = field(default_factory=list)  # one per vega-embed: svg/canvas size, ink
    images: list[dict] = field(default_factory=list)  # one per <img>: src, natural size
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    viewport_width: int = 0
    page_width: int = 0  # the document's scroll width: more than the viewport means sideways scrolling


CHART_PROBE = """
() => Array.from(document.querySelectorAll('.vega-embed')).map(e => {
  const c = e.querySelector('canvas'), s = e.querySelector('svg');
  let ink = 0;
  if (c) {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
  } else if (s) {
    ink = s.querySelectorAll('path, rect, text').length;
  }
  const r = (c || s || e).getBoundingClientRect();
  return {id: e.id || e.parentElement.id, kind: c ? 'canvas' : (s ? 'svg' : 'none'),
          width: r.width, height: r.height, left: r.left, right: r.right, ink: ink};
})
"""

IMAGE_PROBE = """
() => Array.from(document.images).map(i => {
  const r = i.getBoundingClientRect();
  return {src: i.getAttribute('src').slice(0, 60), complete: i.complete, width: i.naturalWidth,
          height: i.naturalHeight, shown_width: r.width, left: r.left, right: r.right};
})
"""


def save_png(png: bytes, path: Path) -> None:
    """Re-encode Chromium's PNG with Pillow (matplotlib's dependency): Chromium's encoder
    gives different bytes for the same pixels, which would churn the committed screenshots.
    (Not `optimize`: 3% smaller, a second more per screenshot.)"""
    import io

    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())


def render_offline(page_path: Path, screenshot: Path, expected_charts: int = 0) -> Rendered:
    """Load ``page_path`` with every network request blocked; wait for ``expected_charts``
    vega charts to draw; take a full-page screenshot."""
    from playwright.sync_api import sync_playwright

    result = Rendered()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_or_skip(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        try:
            context = browser.new_context(offline=True, viewport={"width": VIEWPORT_WIDTH, "height": 900})

            def block(route):
                result.external_requests.append(route.request.url)
                route.abort()

            context.route(re.compile(r"^(?!file:|data:|blob:|about:)"), block)
            page = context.new_page()
            page.on("console", lambda m: result.console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: result.console_errors.append(str(e)))
            page.on("requestfailed", lambda r: result.failed_requests.append(r.url))
            page.goto(page_path.resolve().as_uri(), wait_until="load")
            if expected_charts:
                page.wait_for_function(
                    "n => document.querySelectorAll('.vega-embed canvas, .vega-embed svg.marks').length >= n",
                    arg=expected_charts,
                    timeout=30_000,
                )
            page.wait_for_timeout(300)  # let the last chart finish drawing
            result.charts = page.evaluate(CHART_PROBE)
            result.images = page.evaluate(IMAGE_PROBE)
            result.viewport_width = VIEWPORT_WIDTH
            result.page_width = page.evaluate("() => document.documentElement.scrollWidth")
            save_png(page.screenshot(full_page=True), screenshot)
        finally:
            browser.close()
    return result
