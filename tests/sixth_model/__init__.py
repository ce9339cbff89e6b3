"""A sixth model, added to a copy of the repository with exactly the five edits the registry's
docstring names (tests/e2e/test_a_sixth_model.py): nearest centroid, a linear classifier in
closed form (logit of tier k = (x . c_k - |c_k|^2 / 2) / temperature, c_k the tier's mean),
checked against scikit-learn's NearestCentroid."""

from pathlib import Path

HERE = Path(__file__).parent
MODULE = HERE / "nearest_centroid.py"  # edit 1: copied into ames_tiers/train/
REGISTRY_ENTRY = HERE / "registry_entry.py"  # edit 2: appended to ames_tiers/models/registry.py
NAME = "nearest_centroid"
PARAMS = {  # edit 3: its sections of params.yaml
    f"models.{NAME}": {"temperature": 2.0},
    f"parity.{NAME}": {"mismatches": 0.02},
    f"ci.accuracy_floors.{NAME}": 0.3,
}
# edit 4: its item in dvc.yaml's train foreach (no random start: its own section stands in)
FOREACH_ITEM = f"      {NAME}: {{shared: numpy_shared, seed: models.{NAME}}}\n"
# edit 5: its entry in dvc.yaml's artifacts
ARTIFACT = (f"  {NAME}: {{path: models/{NAME}.json, type: model, desc: nearest centroid, "
            "labels: [a-sixth-model, numpy]}\n")  # fmt: skip


def registry_entry() -> str:
    """registry_entry.py below its marker line (above it: imports for linters and editors)."""
    return REGISTRY_ENTRY.read_text().split("# --- appended to the registry ---\n", 1)[1]
