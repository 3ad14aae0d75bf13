"""The study output folder is all-or-nothing (issue 21, item 2), the CLI prints one line per error
(items 14–15), study files are UTF-8 data that cannot run code (items 9, 18), and the report's message
catalogue is complete in both languages (issue 17)."""
from __future__ import annotations

import json
import hashlib
import os
import stat

import pytest

import spatialccd as sc
from spatialccd.cli import main
from spatialccd.messages import MESSAGES
from spatialccd.study import Study
from spatialccd.study import outputs as O

SMALL = """
title = "small"
[data]
demo = true
years = [2020, 2023]
[indicators.health]
beds_per_1k = "+"
oop_share = "-"
[indicators.digital]
internet_share = "+"
rural_urban_net_gap = "-"
[weights]
[moran]
permutations = 9
"""


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "out"
    result = Study.from_string(SMALL, source="small.toml").run(out, quiet=True)
    return out, result


def test_manifest_lists_every_file_with_checksums(first_run):
    out, result = first_run
    manifest = json.loads((out / O.MANIFEST).read_text())
    assert manifest["complete"] is True and manifest["spatialccd"] == sc.__version__
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {k: v for k, v in _files(out).items() if k != O.MANIFEST}
    assert set(listed) == set(on_disk)
    for path, data in on_disk.items():
        assert listed[path]["sha256"] == hashlib.sha256(data).hexdigest() and listed[path]["bytes"] == len(data)
    assert not [p for p in out.parent.iterdir() if ".partial-" in p.name or ".old-" in p.name]


def test_files_follow_the_umask(first_run):
    out, _ = first_run
    mask = os.umask(0o022)
    os.umask(mask)
    for p in [out, *out.rglob("*")]:
        want = (0o777 if p.is_dir() else 0o666) & ~mask
        assert stat.S_IMODE(p.stat().st_mode) == want, p


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failed_or_interrupted_rewrite_keeps_the_previous_output(first_run, monkeypatch, failure):
    out, _ = first_run
    before = _files(out)
    real = O._manifest

    def broken(folder):   # fails after every other file was written
        raise failure

    monkeypatch.setattr(O, "_manifest", broken)
    with pytest.raises(type(failure)):
        Study.from_string(SMALL.replace('"small"', '"second"'), source="small.toml").run(out, overwrite=True,
                                                                                          quiet=True)
    monkeypatch.setattr(O, "_manifest", real)
    assert _files(out) == before   # byte for byte the previous complete output
    assert not [p for p in out.parent.iterdir() if ".partial-" in p.name or ".old-" in p.name]


def test_failure_in_a_fresh_folder_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(O, "_manifest", lambda folder: (_ for _ in ()).throw(OSError(28, "disk full")))
    with pytest.raises(OSError):
        Study.from_string(SMALL, source="small.toml").run(tmp_path / "new", quiet=True)
    assert list(tmp_path.iterdir()) == []


def test_overwrite_refuses_a_folder_that_is_not_an_output(tmp_path):
    (tmp_path / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(FileExistsError, match="not a spatialccd output"):
        Study.from_string(SMALL, source="small.toml").run(tmp_path, overwrite=True, quiet=True)
    assert (tmp_path / "thesis.docx").read_bytes() == b"precious"


def test_unwritable_output_is_found_before_computing(tmp_path, monkeypatch):
    from spatialccd.study import run as R

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    called = []
    monkeypatch.setattr(R, "run_steps", lambda *a, **k: called.append(1))
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write everywhere (root)")
        with pytest.raises(sc.exceptions.StudyError, match="cannot write the output folder"):
            Study.from_string(SMALL, source="small.toml").run(locked / "out", quiet=True)
        assert not called
    finally:
        locked.chmod(0o700)


def test_cli_one_line_errors_and_debug(tmp_path, capsys, monkeypatch):
    study = tmp_path / "study.toml"
    study.write_text(SMALL + "\n[lisa]\nyears = [1999]\n", encoding="utf-8")
    assert main(["run", str(study), "-o", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("spatialccd: error: [lisa]") and "years [1999]" in err[0]
    with pytest.raises(sc.exceptions.StudyError):
        main(["--debug", "run", str(study), "-o", str(tmp_path / "o2"), "--quiet"])
    # an operating-system error: one line, exit 2
    study.write_text(SMALL, encoding="utf-8")
    from spatialccd.study import outputs

    monkeypatch.setattr(outputs, "_manifest", lambda folder: (_ for _ in ()).throw(OSError(28, "No space left")))
    assert main(["run", str(study), "-o", str(tmp_path / "o3"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left" in err[0] and "left as it was" in err[0]


def test_gbk_study_file_names_the_file_and_the_fix(tmp_path):
    path = tmp_path / "研究.toml"
    path.write_bytes('title = "健康"\n[data]\ndemo = true\n'.encode("gbk"))
    with pytest.raises(sc.exceptions.StudyError, match=r"研究\.toml: a study file must be saved as UTF-8"):
        Study.from_toml(path)


@pytest.mark.parametrize("formula", [
    "{(__import__('pathlib').Path('x').write_text('pwned'), lngdp)[1]*0 + edu}",
    "outcome ~ lngdp.__class__",
    "outcome ~ (lambda: 1)()",
    "outcome ~ lngdp[0]",
])
def test_study_formulas_cannot_run_code(tmp_path, formula):
    text = SMALL + f"\n[sdm]\nformula = {json.dumps(formula)}\n"
    with pytest.raises(sc.exceptions.StudyError, match=r"\[sdm\] formula"):
        Study.from_string(text, source="s.toml")
    assert not (tmp_path / "x").exists()


def test_none_is_the_same_word_in_toml_and_python():
    s = Study.from_string(SMALL + '\n[sdm]\nformula = "outcome ~ lngdp"\nbias_correction = "none"\n', source="s")
    assert s.spec["sdm"]["bias_correction"] is None
    s = Study.from_string(SMALL + '\n[lisa]\nadjust = "none"\n', source="s")
    assert s.spec["lisa"]["adjust"] is None


def test_message_catalogue_is_complete():
    for key, entry in MESSAGES.items():
        assert set(entry) == {"en", "zh"}, key
        assert entry["en"].strip() and entry["zh"].strip(), key
        fields = [sorted(set(__import__("re").findall(r"{(\w+)}", entry[lang]))) for lang in ("en", "zh")]
        assert fields[0] == fields[1], (key, fields)


def test_map_disclaimer_is_the_same_in_the_catalogue():
    assert MESSAGES["map_disclaimer"]["en"] == sc.MAP_DISCLAIMER
