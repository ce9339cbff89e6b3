"""Stage `train@<model>`: train one model, check it against its references, write its results.

Usage:  python -m stages.train MODEL   (MODEL: linreg_numpy, linreg_torch, logreg_numpy,
        logreg_torch or mlp; its code: ames_tiers/train/<MODEL>.py)
Reads:  data/prepared/train.csv, valid.csv; params.yaml `models.<MODEL>`, `parity.<MODEL>`,
        `prepare.n_classes`, and `seed` for the PyTorch models.
Writes: models/<MODEL>.json (learned parameters, X @ W + b), metrics/<MODEL>.json (loss and
        accuracy), plots/loss/<MODEL>.csv (loss per iteration or epoch),
        plots/predictions/<MODEL>.csv (validation tiers), metrics/parity/<MODEL>.json (the
        parity checks). Nothing is written when training diverges or a check fails.
"""

from __future__ import annotations

from ames_tiers.core import paths
from ames_tiers.core.cli import cli_parser, run_cli
from ames_tiers.core.dataset import read_split
from ames_tiers.core.files import write_all
from ames_tiers.core.params import load_params
from ames_tiers.models.layers import FitContext
from ames_tiers.models.registry import MODELS, model_params
from ames_tiers.train.run import check_parity, fit_model, run_files


def main(args) -> None:
    spec = MODELS[args.model]
    params = load_params()
    sections = model_params(params)  # every model's, so that a bad value anywhere stops the stage
    own, tolerances = sections.models[spec.name], sections.parity[spec.name]
    split = read_split(paths.TRAIN_CSV, paths.VALID_CSV)
    context = FitContext(n_classes=params.prepare.n_classes, seed=params.seed)
    fit = fit_model(spec, split, own, context)
    checks = check_parity(spec, fit, split, own, tolerances, context)
    write_all(run_files(spec, fit, checks, split, context.n_classes))


def parser():
    p = cli_parser(__doc__, "stages.train")
    p.add_argument("model", choices=list(MODELS), metavar="MODEL", help="one of " + ", ".join(MODELS))
    return p


if __name__ == "__main__":
    run_cli(parser(), main, lambda args: f"train@{args.model}")
