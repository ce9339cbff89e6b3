"""The CS 375 Ames price-tier pipeline: one thin CLI module per DVC stage plus shared libraries."""
