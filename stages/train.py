"""Stage `train@<model>`: train one model, check it against its references, write its results.

Usage:  python -m stages.train MODEL   (MODEL: linreg_numpy, linreg_torch, logreg_numpy,
        logreg_torch or mlp; ames_tiers/registry.py describes each)
Reads:  data/prepared/train.csv, valid.csv; params.yaml `models.<MODEL>`, `parity.<MODEL>`,
        `prepare.n_classes`, and `seed` for the PyTorch models.
Writes: models/<MODEL>.json (learned parameters, X @ W + b), metrics/<MODEL>.json (loss and
        accuracy), plots/loss/<MODEL>.csv (loss per iteration or epoch),
        plots/predictions/<MODEL>.csv (validation tiers), metrics/parity/<MODEL>.json (the
        reference checks). Nothing is written when training diverges or a check fails.
"""

from __future__ import annotations

from ames_tiers import paths
from ames_tiers.data import read_split
from ames_tiers.files import cli_parser, run_cli, write_all
from ames_tiers.layers import FitContext
from ames_tiers.params import load_params
from ames_tiers.registry import MODELS
from ames_tiers.training import check_model, fit_model, run_files


def main(args) -> None:
    spec = MODELS[args.model]
    params = load_params()
    model_params, parity_params = params.models[spec.name], params.parity[spec.name]
    split = read_split(paths.TRAIN_CSV, paths.VALID_CSV)
    context = FitContext(n_classes=params.prepare.n_classes, seed=params.seed)
    fit = fit_model(spec, split, model_params, context)
    comparisons = check_model(spec, fit, split, model_params, parity_params, context)
    write_all(run_files(spec, fit, comparisons, split))


def parser():
    p = cli_parser(__doc__, "stages.train")
    p.add_argument("model", choices=list(MODELS), metavar="MODEL", help="one of " + ", ".join(MODELS))
    return p


if __name__ == "__main__":
    run_cli(parser(), main, lambda args: f"train@{args.model}")
