from stages.check_accuracy import below_floor


def test_gate_names_each_model_below_its_floor():
    floors = {"a": 0.5, "b": 0.3, "c": 0.6}
    failures = below_floor({"a": 0.52, "b": 0.29, "c": 0.1}, floors)
    assert len(failures) == 2
    assert failures[0].startswith("b: valid accuracy 0.2900 is below its floor 0.3000")
    assert failures[1].startswith("c:")


def test_gate_passes_at_the_floor():
    assert below_floor({"a": 0.5}, {"a": 0.5}) == []
