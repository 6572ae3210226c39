"""The documentation: it builds cleanly, and its sources miss nothing public.

The build (``python -m sphinx -W --keep-going -b html docs docs/_build/html``, the
command of docs/install.rst) runs here, warnings as errors, gallery examples
included. The other tests catch, in a second, the omissions a build would not: a
public name missing from the API reference, a user-guide label that a docstring
points to but no page defines.
"""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sklearn_dlprep
import sklearn_dlprep.plotting

pytestmark = pytest.mark.slow

DOCS = Path(__file__).resolve().parents[1] / "docs"
PACKAGE = Path(sklearn_dlprep.__file__).resolve().parent
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _autosummary_entries(text):
    """Names listed under the ``autosummary`` directives of an rst text."""
    entries, inside = [], False
    for line in text.splitlines():
        if line.startswith(".. autosummary::"):
            inside = True
            continue
        if inside:
            stripped = line.strip()
            if not stripped or stripped.startswith(":"):
                continue
            if not line.startswith("   "):
                inside = False
                continue
            entries.append(stripped)
    return entries


@pytest.fixture(scope="module")
def api_entries():
    return _autosummary_entries((DOCS / "api.rst").read_text(encoding="utf-8"))


def test_every_public_name_is_in_the_api_reference(api_entries):
    """Every name of sklearn_dlprep.__all__ and of plotting has an API page."""
    expected = set(sklearn_dlprep.__all__) | {
        f"plotting.{name}" for name in sklearn_dlprep.plotting.__all__}
    missing = sorted(expected - set(api_entries))
    assert not missing, f"add {missing} to an autosummary list of docs/api.rst"


def test_every_api_entry_is_a_public_name(api_entries):
    """The API reference lists no name that the package does not export."""
    for entry in api_entries:
        owner, _, name = entry.rpartition(".")
        module = (importlib.import_module(f"sklearn_dlprep.{owner}") if owner
                  else sklearn_dlprep)
        assert name in module.__all__, f"{entry} is not exported"
        assert hasattr(module, name), entry


def test_every_label_the_docstrings_reference_is_defined():
    """Each :ref: target in the package's docstrings is a label of the docs."""
    labels = set()
    for page in DOCS.rglob("*.rst"):
        if "_build" in page.parts or "generated" in page.parts:
            continue
        labels |= set(re.findall(r"^\.\. _([\w-]+):", page.read_text("utf-8"),
                                 flags=re.MULTILINE))
    referenced = set()
    for source in PACKAGE.rglob("*.py"):
        for match in re.finditer(r":ref:`(?:[^`<]*<)?([\w-]+)>?`",
                                 source.read_text("utf-8")):
            referenced.add(match.group(1))
    assert {"augmentation", "balancing", "scaling", "splitting"} <= labels
    assert not referenced - labels, f"undefined labels: {referenced - labels}"


def test_gallery_examples_have_a_title():
    """sphinx-gallery needs each plot_*.py to open with an rst title docstring."""
    examples = sorted(EXAMPLES.glob("plot_*.py"))
    assert examples
    for example in examples:
        text = example.read_text("utf-8")
        assert re.match(r'"""\n(=+)\n.+\n\1\n', text), example.name


def test_documentation_builds_without_warnings(tmp_path):
    """Sphinx builds the HTML with -W: docstrings, user guide and gallery run."""
    doctrees = tmp_path / "doctrees"
    # The build chooses Keras' backend itself (the gallery trains a model: jax);
    # the parity tests of this process set the numpy backend, which cannot train.
    env = {key: value for key, value in os.environ.items() if key != "KERAS_BACKEND"}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(doctrees), str(DOCS), str(tmp_path / "html")],
        capture_output=True, text=True, timeout=600, env=env,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    assert (tmp_path / "html" / "index.html").exists()
    assert (tmp_path / "html" / "auto_examples" / "index.html").exists()
