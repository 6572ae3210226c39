"""Sphinx configuration of the sklearn-dlprep documentation.

Build the HTML, warnings as errors, from the repository root::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Needs the ``docs`` extra (``pip install -e ".[docs]"``). Nothing is fetched from the
network unless ``SKLEARN_DLPREP_DOCS_INTERSPHINX=1`` is set, which links names of
scikit-learn, imbalanced-learn, numpy and matplotlib to their documentation.
"""

# Authors: sklearn-dlprep developers
# License: BSD-3-Clause

import importlib.util
import os
import re
import warnings
from datetime import date

import matplotlib
from threadpoolctl import threadpool_limits

import sklearn_dlprep

matplotlib.use("Agg")  # pictures are made while building, without a display
# The examples fit small models, for which BLAS threads cost more than they give
# (and fight each other on a busy 2-core machine): compute on one thread.
threadpool_limits(limits=1)

project = "sklearn-dlprep"
author = "sklearn-dlprep developers"
copyright = f"{date.today().year}, {author}"  # noqa: A001 (Sphinx's name)
release = sklearn_dlprep.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip"]
root_doc = "index"
default_role = "literal"
pygments_style = "sphinx"

# API reference: one page per public name, generated from the docstrings.
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# Pictures of the user guide, drawn at build time from the code shown beside them.
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]
plot_rcparams = {"figure.dpi": 100}

# The Keras and PyTorch examples run only where their framework is installed (neither
# is a dependency); elsewhere the gallery shows their code without running it.
_NOT_RUN = [example for example, modules in {
    "keras_fit_flow": ("keras", "jax"),
    "torch_dataloader": ("torch",),
}.items() if any(importlib.util.find_spec(module) is None for module in modules)]

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": (r"/plot_(?!(" + "|".join(_NOT_RUN) + r")\.py)"
                         if _NOT_RUN else r"/plot_"),
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("sklearn_dlprep",),
    "reference_url": {"sklearn_dlprep": None},
    "image_scrapers": ("matplotlib",),
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "show_memory": False,
    "download_all_examples": False,
    "write_computation_times": False,
}

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-dlprep {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"index": [], "install": []}
html_show_sourcelink = False
html_static_path = ["_static"]
html_css_files = ["dlprep.css"]

INTERSPHINX = os.environ.get("SKLEARN_DLPREP_DOCS_INTERSPHINX") == "1"
if INTERSPHINX:
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "scipy": ("https://docs.scipy.org/doc/scipy", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "imblearn": ("https://imbalanced-learn.org/stable", None),
        "matplotlib": ("https://matplotlib.org/stable", None),
    }

# matplotlib's Agg backend cannot show windows; examples that call plt.show()
# would say so once per call.
warnings.filterwarnings("ignore", category=UserWarning,
                        message="FigureCanvasAgg is non-interactive")


# Docstrings are written for help() as much as for Sphinx. Two of their notations
# mean something else in reStructuredText; they are adapted here, when the docs are
# built, rather than made unreadable in a terminal:
# - "(n_samples, *sample_shape)": a lone "*" would open emphasis;
# - "(n_features_in_,)": a word ending in "_" is a hyperlink reference (scikit-learn
#   writes `n_features_in_` in backquotes for this reason).
# Inline literals and roles (anything in backquotes) are left alone.
_QUOTED = re.compile(r"``.*?``|(:\w+:)?`[^`]*`")
_LONE_STAR = re.compile(r"(?<![\\*\w])\*(?=[A-Za-z_]\w*(?![\w*]))")
_TRAILING_UNDERSCORE = re.compile(r"(?<![\w`])(n_features_in_|n_samples_out_)(?![\w`])")
# Methods inherited from scikit-learn and imbalanced-learn point to labels and
# glossary terms of their own documentation (a classifier's set_score_request says
# :term:`meta-estimator`); without intersphinx (no network) these become plain text.
_REF_ROLE = re.compile(r":(?:ref|term):`([^`<]+?)\s*<[^`>]+>`|:(?:ref|term):`([^`<]+)`")


def _adapt_text(text):
    text = _LONE_STAR.sub(r"\\*", text)
    return _TRAILING_UNDERSCORE.sub(r"`\1`", text)


def _adapt_line(line):
    """Adapt the parts of ``line`` outside backquotes."""
    parts, end = [], 0
    for quoted in _QUOTED.finditer(line):
        parts += [_adapt_text(line[end:quoted.start()]), quoted.group()]
        end = quoted.end()
    return "".join(parts + [_adapt_text(line[end:])])


def _adapt_docstring(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", None) or ""
    for index, line in enumerate(lines):
        if line.lstrip().startswith((">>>", "...")):
            continue
        if not INTERSPHINX and not module.startswith("sklearn_dlprep"):
            line = _REF_ROLE.sub(lambda m: m.group(1) or m.group(2), line)
        lines[index] = _adapt_line(line)


def setup(app):
    app.connect("autodoc-process-docstring", _adapt_docstring)
