"""A storage URL as the search may show it: never its password, in any of the forms a user
writes one (`user:pw@host`, `:pw@host`, a password with an unencoded `@`, `?password=pw`)."""

from __future__ import annotations

import re
from urllib.parse import unquote

HIDDEN = "***"
# query parameters that carry a secret (libpq's and SQLAlchemy's names)
SECRET_KEYS = re.compile(r"(?i)^(password|passwd|pwd|secret|sslpassword|token)$")


def _split(url: str) -> tuple[str, str, str, str]:
    """(scheme://, user information, the rest up to the query, the query) of a URL; the user
    information ends at the last `@` before the path, so an unencoded `@` stays in it."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "", "", url, ""
    rest, q, query = rest.partition("?")
    at = rest.rfind("@")
    if at < 0:
        return scheme + sep, "", rest, q + query
    return scheme + sep, rest[:at], rest[at:], q + query


def passwords(url: str) -> list[str]:
    """Every secret the URL holds, as written and decoded (to scrub them from messages)."""
    _, userinfo, _, query = _split(url)
    found = []
    if ":" in userinfo:
        found.append(userinfo.split(":", 1)[1])
    for pair in query.lstrip("?").split("&"):
        key, eq, value = pair.partition("=")
        if eq and SECRET_KEYS.match(key):
            found.append(value)
    return [s for secret in found if secret for s in {secret, unquote(secret)}]


def redacted(url: str) -> str:
    """The URL with every password replaced by ***."""
    scheme, userinfo, rest, query = _split(url)
    if ":" in userinfo:
        userinfo = f"{userinfo.split(':', 1)[0]}:{HIDDEN}"
    pairs = []
    for pair in query.lstrip("?").split("&") if query else []:
        key, eq, _ = pair.partition("=")
        pairs.append(f"{key}={HIDDEN}" if eq and SECRET_KEYS.match(key) else pair)
    return scheme + userinfo + rest + ("?" + "&".join(pairs) if query else "")


def scrubbed(text: str, url: str) -> str:
    """A message (a driver's error, say) with the URL redacted and its passwords hidden
    wherever they appear."""
    text = text.replace(url, redacted(url))
    for secret in sorted(passwords(url), key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    return text
