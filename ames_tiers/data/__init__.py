"""The notebook's data preparation (the prepare stage)."""
