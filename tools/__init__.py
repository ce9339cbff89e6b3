"""Commands around the pipeline that are not DVC stages: compare (experiments side by side),
predict (a house's tier from a trained model), search (Optuna over search.yaml's ranges), the
CI gates (check_accuracy, check_drift, check_tracked), pr_report (a pull request's params,
metrics and figures against its base), the sweep retry (requeue_failed), fresh_copy (a fresh
clone's state in a new directory), lock (requirements.lock from pyproject.toml) and doc_blocks
(the docs' command blocks, as .ci/run pastes them)."""
