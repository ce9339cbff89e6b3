"""ames_tiers/search/urls.py: no form of a storage URL's password is ever shown."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ames_tiers.search.urls import passwords, redacted, scrubbed

FORMS = {
    "user and password": ("postgresql://user:s3cret@db.example.org:5432/studies", "s3cret"),
    "no user": ("postgresql://:s3cret@db.example.org/studies", "s3cret"),
    "an unencoded @": ("postgresql://user:s3c@ret@db.example.org/studies", "s3c@ret"),
    "percent-encoded": ("postgresql://user:s3c%40ret@db.example.org/studies", "s3c@ret"),
    "in the query": ("postgresql://user@db.example.org/studies?sslmode=require&password=s3cret", "s3cret"),
    "query, upper case": ("postgresql://db.example.org/studies?PASSWORD=s3cret", "s3cret"),
    "mysql": ("mysql+pymysql://root:s3cret@127.0.0.1/optuna", "s3cret"),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_every_form_of_password_is_hidden(form):
    url, secret = FORMS[form]
    shown = redacted(url)
    assert secret not in shown and "s3c" not in shown and "***" in shown
    assert secret in passwords(url)
    driver = f"connection to {url} failed: password authentication failed for {secret!r}"
    assert "s3c" not in scrubbed(driver, url)


def test_what_is_not_a_password_stays():
    assert redacted("sqlite:////home/me/search.db") == "sqlite:////home/me/search.db"
    assert redacted("postgresql://user@db:5432/studies?sslmode=require") == (
        "postgresql://user@db:5432/studies?sslmode=require"
    )


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="?#/&"),
               min_size=1, max_size=24))  # fmt: skip
def test_any_password_written_into_a_url_is_never_shown(secret):
    """In the user information (any character but the URL's own separators; an unencoded @
    included) and as a query parameter (any but &, which ends it)."""
    forms = {
        f"postgresql://user:{secret}@host/db": "postgresql://user:***@host/db",
        f"postgresql://host/db?password={secret}": "postgresql://host/db?password=***",
    }
    for url, shown in forms.items():
        assert redacted(url) == shown
        message = scrubbed(f"could not connect to {url} with {secret!r}", url)
        assert secret not in message or set(secret) <= set("*")  # hidden wherever it appears
