"""Every path the pipeline reads or writes, relative to the repository root (DVC's wdir)."""

from pathlib import Path

MODEL_NAMES: tuple[str, ...] = (
    "linreg_numpy",
    "linreg_torch",
    "logreg_numpy",
    "logreg_torch",
    "mlp",
)

PARAMS = Path("params.yaml")

RAW_DIR = Path("data/raw")
RAW_CSV = RAW_DIR / "ames.csv.gz"
RAW_SOURCE = RAW_DIR / "source.json"

PREPARED_DIR = Path("data/prepared")
TRAIN_CSV = PREPARED_DIR / "train.csv"
VALID_CSV = PREPARED_DIR / "valid.csv"
STANDARDIZATION = PREPARED_DIR / "standardization.json"

MODELS_DIR = Path("models")
METRICS_DIR = Path("metrics")
DATA_METRICS = METRICS_DIR / "data.json"

PLOTS_DIR = Path("plots")
LOSS_DIR = PLOTS_DIR / "loss"
PREDICTIONS_DIR = PLOTS_DIR / "predictions"
FIGURES_DIR = PLOTS_DIR / "figures"


def model_file(model: str) -> Path:
    return MODELS_DIR / f"{model}.json"


def metrics_file(model: str) -> Path:
    return METRICS_DIR / f"{model}.json"


def loss_curve_file(model: str) -> Path:
    return LOSS_DIR / f"{model}.csv"


def predictions_file(model: str) -> Path:
    return PREDICTIONS_DIR / f"{model}.csv"


FIGURE_NAMES: tuple[str, ...] = ("class_histogram", "feature_histogram", "decision_regions", "accuracy")


def figure_file(name: str) -> Path:
    return FIGURES_DIR / f"{name}.png"
