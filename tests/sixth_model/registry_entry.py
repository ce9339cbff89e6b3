from ames_tiers.models.registry import MODELS, ModelSpec, dataclass

# isort: split
# --- appended to the registry ---
# (its params dataclasses here, beside its entry; the five models' are in schema.py)
from ames_tiers.core.validation import checked, number_between
from ames_tiers.models.schema import tolerance


@dataclass(frozen=True)
class CentroidParams:
    temperature: float = checked(number_between(0.01, 100), float)  # logits are divided by it


@dataclass(frozen=True)
class CentroidParity:
    mismatches: float = tolerance()  # fraction of validation predictions that may differ


MODELS["nearest_centroid"] = ModelSpec(
    name="nearest_centroid",
    notebook_part="a sixth model",
    kind="classification",
    framework="numpy",
    step_name="iteration",
    summary="distance to the mean house of each tier, {n_features} → {n_classes}, "
    "temperature {temperature:g}",
    params_type=CentroidParams,
    parity_type=CentroidParity,
)
