"""The CS 375 Ames price-tier pipeline's library. Each subpackage is what one kind of stage
needs, so that dvc.yaml's code deps are these folders (tests/test_deps.py checks it):

- core/          what every stage imports: paths, params, files, the prepared data, the CLI
- source/        the download stage: fetch, verify, fall back to a packaged copy
- data/          the prepare stage: price tiers, standardization, split
- portable/      the same bits on every x86-64 CPU: kernel pins, arithmetic, BFGS
- models/        what every model shares: the registry, layers, metrics, training, comparisons
- models_numpy/  notebook parts 1.A and 2.A, and their reference checks
- models_torch/  notebook parts 1.B, 2.B and the MLP, and their reference checks
- report/        the figures and plots/report.html
- dvc_plots_page the offline page template for `dvc plots show/diff`
"""
