"""The two kinds of error a user can fix, each reported by the stage as one line (core.cli)."""


class UserError(Exception):
    """A problem the user can fix (bad data, an unreachable source, a failed check)."""


class ParamsError(ValueError):
    """A bad value in params.yaml; the message names the key and says what is allowed."""
