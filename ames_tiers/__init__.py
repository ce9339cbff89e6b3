"""The CS 375 Ames price-tier pipeline's library, laid out like the stages it serves, so that
dvc.yaml's code deps are these folders and files (tests/test_deps.py checks it):

- core/             what every stage imports: paths, params, files, the prepared data, the CLI
- download.py       the download stage: fetch, verify, fall back to a packaged copy
- prepare.py        the prepare stage: price tiers, standardization, split
- portable/         the same bits on every x86-64 CPU: kernel pins, arithmetic, BFGS
- models/           the models as every stage reads them: registry, params schema, layers
- train/            the train stage: one file per notebook part (its fit and parity), shared code
- report/           the report stage: figures, and plots/report.html from its template
- plots_template.py the plots_template stage: the offline page for `dvc plots show/diff`
- search/           tools.search's vocabulary: search.yaml, samplers, URLs, the study's page
"""
