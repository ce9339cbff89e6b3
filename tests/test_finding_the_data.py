"""Where the end-to-end tests find the data: a user who ran the README's `dvc repro` has it."""

from __future__ import annotations

import json
import shutil

from ames_tiers.core.params import read_yaml

from .conftest import REPO, find_mirror


def test_the_data_dvc_repro_downloaded_is_used_when_no_mirror_is_set(tmp_path, monkeypatch, mirror):
    monkeypatch.delenv("AMES_DATA_MIRROR", raising=False)
    shutil.copy(REPO / "params.yaml", tmp_path / "params.yaml")
    assert find_mirror(tmp_path) is None  # nothing downloaded yet: the tests skip, saying why
    raw = tmp_path / "data" / "raw" / "ames.csv.gz"
    raw.parent.mkdir(parents=True)
    raw.write_bytes(mirror.read_bytes())
    assert find_mirror(tmp_path) == raw
    raw.write_bytes(b"the offline fallback, or anything else")  # not the sha256 in params.yaml
    assert find_mirror(tmp_path) is None


def test_a_mirror_that_is_set_wins_and_a_wrong_one_is_not_guessed_around(tmp_path, monkeypatch, mirror):
    monkeypatch.setenv("AMES_DATA_MIRROR", str(mirror))
    assert find_mirror(tmp_path) == mirror
    monkeypatch.setenv("AMES_DATA_MIRROR", str(tmp_path / "missing.csv.gz"))
    assert find_mirror(REPO) is None


def test_the_dvc_caches_copy_is_used_when_the_workspace_has_none(tmp_path, monkeypatch, mirror):
    """`dvc repro` ran, then data/raw went (a checkout of another commit, a deleted folder): the
    DVC cache still holds the download, found through dvc.lock."""
    monkeypatch.delenv("AMES_DATA_MIRROR", raising=False)
    for name in ("params.yaml", "dvc.lock"):
        shutil.copy(REPO / name, tmp_path / name)
    assert find_mirror(tmp_path) is None
    md5 = read_yaml(REPO / "dvc.lock")["stages"]["download"]["outs"][0]["md5"].removesuffix(".dir")
    cache = tmp_path / ".dvc" / "cache" / "files" / "md5"
    (cache / md5[:2]).mkdir(parents=True)
    (cache / md5[:2] / f"{md5[2:]}.dir").write_text(
        json.dumps([{"md5": "ab" + "0" * 30, "relpath": "ames.csv.gz"}])
    )
    assert find_mirror(tmp_path) is None  # the manifest, but not the file
    (cache / "ab").mkdir()
    (cache / "ab" / ("0" * 30)).write_bytes(mirror.read_bytes())
    assert find_mirror(tmp_path) == cache / "ab" / ("0" * 30)
    (cache / "ab" / ("0" * 30)).write_bytes(b"not the data")
    assert find_mirror(tmp_path) is None
