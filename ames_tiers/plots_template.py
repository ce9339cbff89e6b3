"""The HTML page that `dvc plots show` / `dvc plots diff` fill, with vega inlined.

DVC's default page loads vega, vega-lite and vega-embed from a CDN, so it renders blank
offline. This page inlines the same libraries (from the pinned vl-convert-python package)
and leaves out DVC's `{scripts}` placeholder, so it makes no network request.
"""

from __future__ import annotations

# DVC's plot templates declare Vega-Lite v5 specs: bundle the matching major version.
VEGA_LITE_VERSION = "v5.21"

PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
{refresh_tag}
<title>DVC plots: Ames price tiers</title>
<script type="text/javascript">
BUNDLE
</script>
<style>
  body { font-family: sans-serif; margin: 1em 2em; }
  table { border-spacing: 15px; }
  img { max-width: 100%; height: auto; }
  /* An image plot is a box (inline style: nowrap) holding one box per revision; DVC would
     put the revisions in a row wider than the window. Here they share its width instead:
     one revision fills it, two take half each, all visible without scrolling sideways. */
  div[id][style*="nowrap"] { display: flex !important; flex-wrap: wrap; white-space: normal !important;
                             justify-content: center; overflow: visible !important; }
  div[id][style*="nowrap"] > p { flex-basis: 100%; font-weight: bold; }
  div[id][style*="nowrap"] > div { flex: 1 1 0; min-width: 0; max-width: 1100px; }
</style>
</head>
<body>
<h1>Ames price tiers: DVC plots</h1>
<p>Rendered offline: vega, vega-lite and vega-embed are inlined in this page.</p>
{plot_divs}
</body>
</html>
"""


def page_template(bundle: str) -> str:
    """The page with the libraries inlined; `{plot_divs}` and `{refresh_tag}` are DVC's."""
    if "</script" in bundle:
        raise ValueError("the JavaScript bundle contains '</script' and cannot be inlined")
    return PAGE.replace("BUNDLE", bundle)
