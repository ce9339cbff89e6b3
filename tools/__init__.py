"""Commands around the pipeline that are not DVC stages: compare (experiments side by side),
predict (a house's tier from a trained model), the CI gates (check_accuracy, check_drift),
the sweep retry (requeue_failed) and fresh_copy (a fresh clone's state in a new directory)."""
