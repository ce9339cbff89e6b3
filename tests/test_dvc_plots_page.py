"""ames_tiers/plots_template.py: the offline page template for `dvc plots show/diff`."""

import pytest

from ames_tiers.plots_template import page_template


def test_the_bundle_is_inlined_and_dvcs_placeholders_are_kept():
    page = page_template("var vega = 1;")
    assert "var vega = 1;" in page and "BUNDLE" not in page
    assert "{plot_divs}" in page and "{refresh_tag}" in page
    assert "{scripts}" not in page and "cdn" not in page.lower()  # DVC's CDN scripts left out


def test_a_bundle_that_would_close_the_script_tag_is_refused():
    with pytest.raises(ValueError, match="cannot be inlined"):
        page_template("x = '</script>';")
