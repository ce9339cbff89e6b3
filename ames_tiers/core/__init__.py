"""What every stage imports: paths, params, file I/O, the prepared data's formats and the CLI."""
