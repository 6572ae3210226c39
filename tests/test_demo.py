"""Tests of the demo command: its table, pictures, reproducibility and help.

The runs of the demo itself are marked slow; argument checks run in the quick loop.
"""

import io
import math
import subprocess
import sys

import pytest

from sklearn_dlprep import _demo
from sklearn_dlprep.__main__ import build_parser, main
from sklearn_dlprep._demo import (
    FRESH_EPOCHS,
    INSTALL_PLOT_HINT,
    ROW_NAMES,
    TEST_TIME,
    make_epoch_classifier,
)

METRIC_COLUMNS = ("accuracy", "balanced accuracy", "macro F1")


def _run(capsys, *args):
    """Run the command line; return (stdout, stderr)."""
    assert main(list(args)) == 0
    captured = capsys.readouterr()
    return captured.out, captured.err


def _table(out):
    """{row name: [accuracy, balanced accuracy, macro F1, fit s, search s, rows]}."""
    table = {}
    for line in out.splitlines():
        for name in ROW_NAMES:
            if line.startswith(name + "  "):
                table[name] = [float(v) for v in line[len(name):].split()]
    return table


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """One quick run with the default classifier, shared by the checks below."""
    out_dir = tmp_path_factory.mktemp("demo_out")
    captured = subprocess.run(
        [sys.executable, "-m", "sklearn_dlprep", "demo", "--quick", "--seed", "1",
         "--out", str(out_dir)],
        capture_output=True, text=True, check=True, timeout=120,
    )
    return captured.stdout, captured.stderr, out_dir


@pytest.mark.slow
def test_table_has_every_row_with_finite_metrics_in_unit_interval(default_run):
    """Every preparation has a row; accuracy, balanced accuracy, macro F1 in [0, 1]."""
    out, _, _ = default_run
    table = _table(out)
    assert list(table) == list(ROW_NAMES)
    for name, values in table.items():
        metrics, fit_seconds = values[:3], values[3]
        assert all(math.isfinite(v) and 0 <= v <= 1 for v in metrics), name
        assert math.isfinite(fit_seconds) and fit_seconds >= 0, name
    assert "MLPClassifier" in out


@pytest.mark.slow
def test_rows_fitted_show_what_each_sampler_did(default_run):
    """Samplers add rows; balancing brings every class to the majority's count.

    A fresh epoch is one balanced draw (as many rows as the balancer's); the
    test-time row predicts with the balancing row's model."""
    out, _, _ = default_run
    table = _table(out)
    n_train = table["no preparation"][5]
    assert table["scaling: ChannelStandardizer"][5] == n_train
    assert table["+ augmentation: ArrayAugmenter"][5] == 2 * n_train  # n_copies=1
    balanced = table["+ balancing: BalancingResampler(ArrayAugmenter)"][5]
    assert balanced > n_train
    assert table["+ RandomOverSampler (copies rows)"][5] == balanced
    assert table["+ SMOTE (interpolates rows)"][5] == balanced
    assert table[FRESH_EPOCHS][5] == balanced
    assert table[TEST_TIME][5] == balanced


@pytest.mark.slow
def test_training_rows_are_tuned_and_explained(default_run):
    """The fresh-epochs row searches its network's alpha, the test-time row its
    number of views; the report names the partial_fit model and the scaling that
    keeps the augmenter's fill value on the background."""
    out, _, _ = default_run
    chosen = {line[len(f"  {name}: "):].split("=")[0]
              for line in out.splitlines() for name in (FRESH_EPOCHS, TEST_TIME)
              if line.startswith(f"  {name}: ")}
    assert chosen == {"clf__estimator__alpha", "n_views"}
    assert "fresh epochs: MLPClassifier(batch_size=64" in out
    assert "ChannelStandardizer(with_mean=False)" in out


@pytest.mark.parametrize("name", ["mlp", "logistic"])
def test_epoch_classifier_trains_by_partial_fit(name):
    """Both --classifier choices have a counterpart with partial_fit for the
    fresh-epochs row, and its grid searches parameters it has."""
    classifier, grid = make_epoch_classifier(name, seed=0, quick=True)
    assert callable(getattr(classifier, "partial_fit", None))
    assert set(grid) <= set(classifier.get_params())
    assert all(len(values) >= 2 for values in grid.values())


def test_epoch_classifier_refuses_an_unknown_name():
    """An unknown classifier name is refused, naming the choices."""
    with pytest.raises(ValueError, match=r"classifier must be one of .*'tree'"):
        make_epoch_classifier("tree", seed=0, quick=True)


@pytest.mark.slow
def test_pictures_are_written_as_png(default_run):
    """Both pictures are PNG files in --out, and the report names them."""
    out, _, out_dir = default_run
    for name in ("augmentations.png", "class_counts.png"):
        path = out_dir / name
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 5_000
        assert str(path) in out


@pytest.mark.slow
def test_progress_goes_to_stderr(default_run):
    """Each step is announced on stderr, not mixed into the table."""
    out, err, _ = default_run
    assert "[1/" in err and "grid search" in err
    assert "grid search," not in out


@pytest.mark.slow
def test_seed_reproduces_the_metrics(capsys, tmp_path):
    """Two runs with one --seed print the same metric columns."""
    args = ("demo", "--quick", "--classifier", "logistic", "--no-plots", "--seed", "7",
            "--out", str(tmp_path))
    first, _ = _run(capsys, *args)
    second, _ = _run(capsys, *args)
    metrics = [{name: values[:3] for name, values in _table(out).items()}
               for out in (first, second)]
    assert metrics[0] == metrics[1]
    assert len(metrics[0]) == len(ROW_NAMES)
    assert not list(tmp_path.iterdir())  # --no-plots writes nothing


@pytest.mark.slow
def test_without_matplotlib_prints_the_table_and_how_to_get_pictures(
        capsys, tmp_path, monkeypatch):
    """With matplotlib missing the table still prints, with the install hint."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    out, _ = _run(capsys, "demo", "--quick", "--classifier", "logistic", "--out",
                  str(tmp_path / "pictures"))
    assert list(_table(out)) == list(ROW_NAMES)
    assert INSTALL_PLOT_HINT in out
    assert not (tmp_path / "pictures").exists()


def test_help_documents_every_flag(capsys):
    """demo --help names and explains every option the parser accepts."""
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    demo_parser = build_parser()._subparsers._group_actions[0].choices["demo"]
    options = [action for action in demo_parser._actions if action.option_strings]
    assert {opt for action in options for opt in action.option_strings} >= {
        "--imbalance", "--minority-classes", "--classifier", "--seed", "--out",
        "--quick", "--no-plots"}
    for action in options:
        assert action.help, action.option_strings
        for option in action.option_strings:
            assert option in help_text


def test_no_command_prints_help(capsys):
    """Without a subcommand the command prints its help and the demo command."""
    out, _ = _run(capsys)
    assert "usage: sklearn-dlprep" in out
    assert "demo" in out


@pytest.mark.parametrize("args", [["--imbalance", "0"], ["--imbalance", "1.5"],
                                  ["--minority-classes", "10"],
                                  ["--classifier", "tree"], ["--seed", "-1"],
                                  ["--seed", str(2**32)], ["--seed", "1.5"]])
def test_bad_flags_are_refused_with_a_usage_error(capsys, args):
    """Out-of-range values stop with a usage error (exit status 2) naming the flag,
    before any work (no progress line)."""
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", *args])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert args[0] in err and "[1/" not in err


@pytest.mark.parametrize("out", ["/dev/null/pictures", "{file}", "{file}/pictures"])
def test_unwritable_out_folder_is_refused_before_the_demo_runs(capsys, tmp_path,
                                                               out):
    """--out inside a file (or a file itself) is a usage error naming --out and
    the path, given before the minute-long demo (no progress line), not a
    traceback after it."""
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder")
    out = out.format(file=a_file)
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--out", out])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--out" in err and out in err and "[1/" not in err


@pytest.mark.slow
def test_unwritable_out_folder_is_fine_without_plots(capsys):
    """--no-plots writes nothing, so --out is not checked."""
    out, _ = _run(capsys, "demo", "--quick", "--classifier", "logistic",
                  "--no-plots", "--out", "/dev/null/pictures")
    assert list(_table(out)) == list(ROW_NAMES)


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "0"])
def test_run_demo_refuses_a_bad_seed_naming_it(seed):
    """The Python entry point names seed too, before any work."""
    log = io.StringIO()
    with pytest.raises((ValueError, TypeError), match=r"seed must be an int from 0 "
                                                      r"to 4294967295"):
        _demo.run_demo(seed=seed, plots=False, log=log)
    assert not log.getvalue()


def test_run_demo_refuses_an_unwritable_out_naming_it(tmp_path):
    """run_demo checks out before the work when it will write pictures."""
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder")
    log = io.StringIO()
    with pytest.raises(ValueError, match=r"out=.*a_file.*is not a folder"):
        _demo.run_demo(out=a_file / "pictures", log=log)
    assert not log.getvalue()
