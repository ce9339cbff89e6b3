"""The CS 375 notebook's code as one script, top to bottom: the benchmark's baseline.

Same data, same models, same hyperparameters, same printed numbers; the two plt.hist calls
draw on the Agg backend (no windows). Usage:
    python benchmarks/notebook_baseline.py [path-or-url of ames.csv.gz]
(default: $AMES_DATA_MIRROR, else the notebook's URL)."""

import os
import sys
import time

T0 = time.perf_counter()

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy.optimize  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

T_IMPORTS = time.perf_counter()
URL = "https://github.com/kcarnold/AmesHousing/blob/master/data/ames.csv.gz?raw=true"


def flatten(arrs):
    arrs = [np.asarray(arr) for arr in arrs]
    shapes = [arr.shape for arr in arrs]
    flat = np.concatenate([arr.ravel() for arr in arrs])
    start_indices = np.cumsum([0] + [arr.size for arr in arrs])

    def unflatten(params):
        return [
            params[start_indices[i] : start_indices[i + 1]].reshape(shape) for i, shape in enumerate(shapes)
        ]

    return flat, unflatten


source = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("AMES_DATA_MIRROR", URL)
ames = pd.read_csv(source, compression="gzip")
ames["price"] = ames["Sale_Price"] / 100_000
n_classes = 3
ames["price_rank"] = ames["price"].rank(pct=True)
ames["price_bin"] = pd.cut(ames["price_rank"], bins=n_classes, labels=False)
feature_names = ["Longitude", "Latitude"]
X = ames[feature_names].values
y = ames["price_bin"].values
X_mean = X.mean(axis=0)
X_std = X.std(axis=0)
X = (X - X_mean) / X_std
X_train, X_valid, y_train, y_valid = train_test_split(X, y, test_size=0.2, random_state=42)
plt.hist(y_train)
print(ames["price_bin"].value_counts())
plt.hist(X_train.flatten(), bins=30)

# Part 1.A: linear regression, NumPy
np.random.seed(42)
n_samples, n_features = X_train.shape
initial_weights = np.random.standard_normal(size=n_features)
initial_bias = np.random.standard_normal()


def linear_forward(X, weights, bias):
    return X @ weights + bias


def compute_mse_loss(y_true, y_pred):
    return ((y_true - y_pred) ** 2).mean()


def loss_given_params(params, X, y_true):
    weights, bias = unpack_params(params)
    y_pred = linear_forward(X, weights, bias)
    return compute_mse_loss(y_true, y_pred)


initial_params, unpack_params = flatten([initial_weights, initial_bias])
initial_loss = loss_given_params(initial_params, X_train, y_train)
optimization_result = scipy.optimize.minimize(loss_given_params, initial_params, args=(X_train, y_train))
fitted_weights_np, fitted_bias_np = unpack_params(optimization_result.x)
print(f"Initial loss: {initial_loss:.2f}")
print(f"Final loss: {optimization_result.fun:.2f}")
print(f"Fitted weights: {fitted_weights_np}")
print(f"Fitted bias: {fitted_bias_np}")
y_pred_valid = linear_forward(X_valid, fitted_weights_np, fitted_bias_np).round()
print(f"Validation accuracy for linear regression 'classifier': {(y_pred_valid == y_valid).mean():.2f}")

# Part 1.B: linear regression, PyTorch
X_train_torch = torch.tensor(X_train, dtype=torch.float32)
X_valid_torch = torch.tensor(X_valid, dtype=torch.float32)
y_train_torch = torch.tensor(y_train, dtype=torch.float32)
y_valid_torch = torch.tensor(y_valid, dtype=torch.float32)
model = nn.Linear(in_features=2, out_features=1, bias=True)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(100):
    y_pred = model(X_train_torch).flatten()
    loss = F.mse_loss(y_pred, y_train_torch)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 10 == 0:
        print(f"Epoch {epoch:02d}, Loss: {loss.item():.4f}")

# Part 2.A: logistic regression, NumPy
y_train_onehot = np.eye(n_classes)[y_train]
y_valid_onehot = np.eye(n_classes)[y_valid]


def softmax(logits):
    max_logit = logits.max(axis=1, keepdims=True)
    exp_logits = np.exp(logits - max_logit)
    sum_exp_logits = exp_logits.sum(axis=1, keepdims=True)
    return exp_logits / sum_exp_logits


def cross_entropy_loss(y_true_onehot, probs):
    log_probs = np.log(probs + 1e-6)
    loss_per_sample = -np.sum(y_true_onehot * log_probs, axis=1)
    return loss_per_sample.mean()


np.random.seed(42)
initial_weights = np.random.standard_normal(size=(n_features, n_classes))
initial_bias = np.random.standard_normal(size=n_classes)


def loss_given_params(params, X, y_true_onehot):
    weights, bias = unpack_params(params)
    logits = linear_forward(X, weights, bias)
    probs = softmax(logits)
    return cross_entropy_loss(y_true_onehot, probs)


initial_params, unpack_params = flatten([initial_weights, initial_bias])
initial_loss = loss_given_params(initial_params, X_train, y_train_onehot)
optimization_result = scipy.optimize.minimize(
    loss_given_params, initial_params, args=(X_train, y_train_onehot)
)
fitted_weights_np, fitted_bias_np = unpack_params(optimization_result.x)
print(f"Initial loss: {initial_loss:.2f}")
print(f"Final loss: {optimization_result.fun:.2f}")
y_pred_valid = linear_forward(X_valid, fitted_weights_np, fitted_bias_np).argmax(axis=1)
print(y_pred_valid[:10])
print(f"Validation accuracy for logistic regression: {(y_pred_valid == y_valid).mean():.2f}")

# Part 2.B: logistic regression, PyTorch
y_train_longtensor = torch.tensor(y_train)
y_valid_longtensor = torch.tensor(y_valid)
model = nn.Linear(in_features=2, out_features=n_classes, bias=True)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(100):
    logits = model(X_train_torch)
    loss = F.cross_entropy(logits, y_train_longtensor)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 10 == 0:
        print(f"Epoch {epoch:02d}, Loss: {loss.item():.4f}")

# Looking ahead: the MLP
n_hidden = 100
model = nn.Sequential(
    nn.Linear(in_features=n_features, out_features=n_hidden, bias=True),
    nn.ReLU(),
    nn.Linear(in_features=n_hidden, out_features=n_classes, bias=True),
)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
T_MLP = time.perf_counter()
for epoch in range(1000):
    logits = model(X_train_torch)
    loss = F.cross_entropy(logits, y_train_longtensor)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 10 == 0:
        print(f"Epoch {epoch:03d}, Loss: {loss.item():.4f}")
T_MLP_END = time.perf_counter()
logits_valid = model(X_valid_torch)
accuracy = (logits_valid.argmax(dim=1) == y_valid_longtensor).float().mean()
print(f"Validation accuracy: {accuracy.item():.2f}")
print(
    f"TIMING imports={T_IMPORTS - T0:.3f} mlp_loop={T_MLP_END - T_MLP:.3f} "
    f"total={time.perf_counter() - T0:.3f}",
    file=sys.stderr,
)
