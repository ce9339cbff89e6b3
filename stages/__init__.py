"""The DVC stages, one thin command-line module each (`ls stages/` reads like `dvc stage list`)."""
