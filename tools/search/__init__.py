"""`python -m tools.search` (its command line: __main__.py): Optuna over search.yaml's ranges,
each trial a DVC experiment. One concern per module: checks (what is refused before any
trial runs), storage (the study, and running again the trials stopped before they finished),
trials (running them under their guards), guard (one trial's process group), stopping
(however the search stops, nothing lost or left running), results (the table of trials)."""
