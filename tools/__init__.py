"""Commands around the pipeline that are not DVC stages: the CI gates and the sweep retry."""
