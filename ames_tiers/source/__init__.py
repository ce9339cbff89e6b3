"""Where the Ames CSV comes from (the download stage)."""
