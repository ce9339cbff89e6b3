from stages.check_drift import drifted

DIFF = {
    "metrics/mlp.json": {
        "valid.accuracy": {"old": 0.6143, "new": 0.6160, "diff": 0.0017},
        "train.loss": {"old": 0.8351400000001, "new": 0.83514, "diff": -1e-13},
    },
    "metrics/new.json": {"valid.accuracy": {"new": 0.5}},
}


def test_drift_names_each_metric_beyond_the_tolerance():
    problems = drifted(DIFF, tolerance=1e-9)
    assert len(problems) == 2
    assert problems[0] == "metrics/mlp.json:valid.accuracy moved 0.6143 -> 0.616 (|diff| 0.0017 > 1e-09)"
    assert problems[1].startswith("metrics/new.json:valid.accuracy is new")


def test_no_diff_is_no_drift():
    assert drifted({}, 1e-9) == []
    assert drifted({"m.json": {"a": {"old": 1.0, "new": 1.0 + 1e-12}}}, 1e-9) == []
