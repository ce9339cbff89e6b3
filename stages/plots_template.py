"""Stage `plots_template`: the page template that `dvc plots show` and `dvc plots diff` fill.

Reads:  the vega, vega-lite and vega-embed bundle of the pinned vl-convert-python package.
Writes: plots/offline_template.html, the page with that bundle inlined, so the plots render
        offline; .dvc/config's `plots.html_template` points at it.
"""

from __future__ import annotations

import logging

from ames_tiers.core import paths
from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.files import write_text
from ames_tiers.plots_template import VEGA_LITE_VERSION, page_template

log = logging.getLogger(__name__)


def main(args) -> None:
    import vl_convert

    write_text(
        paths.PLOTS_TEMPLATE, page_template(vl_convert.javascript_bundle(vl_version=VEGA_LITE_VERSION))
    )
    log.info("wrote %s (vega-lite %s inlined)", paths.PLOTS_TEMPLATE, VEGA_LITE_VERSION)


if __name__ == "__main__":
    run_cli(cli_parser(__doc__, "stages.plots_template"), main)
