from ames_tiers.models.registry import MODELS, ModelSpec, checked, dataclass, number_between, tolerance

# --- appended to the registry ---


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
    optimizer="closed form",
    step_name="iteration",
    summary="distance to the mean house of each tier, {n_features} → {n_classes}, "
    "temperature {temperature:g}",
    params_type=CentroidParams,
    parity_type=CentroidParity,
    fit="ames_tiers.models_numpy.nearest_centroid:fit_nearest_centroid",
    check="ames_tiers.models_numpy.nearest_centroid:check_nearest_centroid",
)
