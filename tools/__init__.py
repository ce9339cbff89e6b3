"""Commands around the pipeline that are not DVC stages: compare (experiments side by side),
predict (a house's tier from a trained model), the CI gates (check_accuracy, check_drift,
check_tracked), pr_report (a pull request's params, metrics and figures against its base),
the sweep retry (requeue_failed) and fresh_copy (a fresh clone's state in a new directory)."""
