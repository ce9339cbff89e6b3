"""The models as every stage and tool that reads one sees them: the registry (each model
described once), the schema of their params.yaml sections, a trained model's layers (NumPy,
`X @ W + b`) and how two models' numbers differ. Their code is the train stage's
(ames_tiers/train/)."""
