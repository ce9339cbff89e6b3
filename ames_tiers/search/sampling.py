"""How a search proposes trials: Optuna's TPE or random sampler, seeded per trial.

Each trial gets a sampler of its own, seeded from (the search's seed, the trial's number):
its proposal is a function of the seed, its number and the trials finished before it. So one
job proposes the same trials every time, and several jobs or machines sharing one study
never draw the same random numbers (each trial number is given out once by the storage).
"""

from __future__ import annotations

import numpy as np
import optuna

from ames_tiers.search.space import Choice, FloatRange, IntRange, Range

SAMPLERS = ("tpe", "random")


def trial_seed(seed: int, number: int) -> int:
    return int(np.random.SeedSequence([seed, number]).generate_state(1)[0])


class SeededPerTrial(optuna.samplers.BaseSampler):
    """A TPE or random sampler made afresh for each trial, seeded by trial_seed. (TPE keeps
    nothing between trials but its random state: it reads the study's history each time.)"""

    def __init__(self, name: str, seed: int):
        if name not in SAMPLERS:
            raise ValueError(f"sampler {name!r}: one of {', '.join(SAMPLERS)}")
        self.name, self.seed = name, seed
        self._samplers: dict[int, optuna.samplers.BaseSampler] = {}

    def _for(self, trial) -> optuna.samplers.BaseSampler:
        if trial.number not in self._samplers:
            seed = trial_seed(self.seed, trial.number)
            self._samplers[trial.number] = (
                optuna.samplers.TPESampler(seed=seed)  # constant_liar: running trials count as proposed
                if self.name == "tpe"
                else optuna.samplers.RandomSampler(seed=seed)
            )
        return self._samplers[trial.number]

    def infer_relative_search_space(self, study, trial):
        return self._for(trial).infer_relative_search_space(study, trial)

    def sample_relative(self, study, trial, search_space):
        return self._for(trial).sample_relative(study, trial, search_space)

    def sample_independent(self, study, trial, param_name, param_distribution):
        return self._for(trial).sample_independent(study, trial, param_name, param_distribution)

    def before_trial(self, study, trial) -> None:
        self._for(trial).before_trial(study, trial)

    def after_trial(self, study, trial, state, values) -> None:
        self._for(trial).after_trial(study, trial, state, values)
        self._samplers.pop(trial.number, None)


def distribution(spec: Range) -> optuna.distributions.BaseDistribution:
    if isinstance(spec, FloatRange):
        return optuna.distributions.FloatDistribution(spec.low, spec.high, log=spec.log)
    if isinstance(spec, IntRange):
        return optuna.distributions.IntDistribution(spec.low, spec.high, log=spec.log)
    assert isinstance(spec, Choice)
    return optuna.distributions.CategoricalDistribution(spec.choices)


def search_space(params: dict[str, Range]) -> dict[str, optuna.distributions.BaseDistribution]:
    """Optuna's distributions for the search's ranges (for study.ask)."""
    return {key: distribution(spec) for key, spec in params.items()}
