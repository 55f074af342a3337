"""Sphinx configuration of the imbtab documentation."""

from __future__ import annotations

import importlib
import os
import re
import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

# LightGBM's own ``__init__`` docstring (inherited by imbtab.objectives) uses a "Note"
# section that numpydoc does not know; it is third-party text, not ours.
warnings.filterwarnings("ignore", message="Unknown section Note", category=UserWarning)

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

import imbtab  # noqa: E402

project = "imbtab"
author = "imbtab developers"
copyright = "2026, imbtab developers"
release = imbtab.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "generated/*.md", "sg_execution_times.rst", "**/README.rst"]
templates_path = ["_templates"]
# an empty _static/ is not kept by git; a missing entry would be a warning on a clean clone
html_static_path = ["_static"] if (HERE / "_static").is_dir() else []
html_theme = "pydata_sphinx_theme"
html_title = f"imbtab {release}"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]

intersphinx_mapping = {}  # the build machine has no network: no cross-project links

sphinx_gallery_conf = {
    "examples_dirs": ["examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "plot_gallery": os.environ.get("IMBTAB_DOCS_PLOT", "True"),
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
}

# -- API reference: generated from the sub-packages' ``__all__`` so every public name is in it.
API_PACKAGES = [
    ("imbtab.over_sampling", "Over-sampling"),
    ("imbtab.under_sampling", "Under-sampling"),
    ("imbtab.combine", "Over-sampling followed by cleaning"),
    ("imbtab.ensemble", "Imbalance ensembles"),
    ("imbtab.decision", "Decision-level tools"),
    ("imbtab.objectives", "Cost-sensitive LightGBM objectives"),
    ("imbtab.metrics", "Metrics and scorers"),
    ("imbtab.neighbors", "Nearest-neighbour engine"),
    ("imbtab.datasets", "Datasets"),
    ("imbtab.bench", "Benchmark harness"),
    ("imbtab.pipeline", "Pipeline"),
    ("imbtab.utils", "Utilities"),
]


def write_api_page(app=None) -> None:
    lines = [
        "API reference",
        "=============",
        "",
        "Every public name of imbtab, by sub-package.",
        "",
    ]
    for package, title in API_PACKAGES:
        module = importlib.import_module(package)
        names = sorted(getattr(module, "__all__", []))
        if not names:
            continue
        lines += [f"{title}", "-" * len(title), "", f".. currentmodule:: {package}", ""]
        lines += [".. autosummary::", "   :toctree: generated/", "   :nosignatures:", ""]
        lines += [f"   {name}" for name in names] + [""]
    (HERE / "api.rst").write_text("\n".join(lines))


write_api_page()


# -- Docstring hooks -------------------------------------------------------------------
# Re-exported third-party objects (imbalanced-learn's Pipeline and metrics) and methods
# inherited from scikit-learn (``score``, ``set_*_request``) carry cross-references to
# labels and glossary terms of *their* documentation sites, which do not exist here and
# cannot be linked (no network, so no intersphinx). Render those roles as plain text.
_FOREIGN_ROLE = re.compile(r":(?:ref|term|doc):`([^`<]*?)\s*(?:<([^`>]*)>)?`")


def _plain_role(match: re.Match) -> str:
    text = match.group(1).strip() or (match.group(2) or "").strip()
    return f"*{text}*" if text else ""


# scikit-learn's docstring convention writes shapes such as ``(n_features_in_,)`` in the
# type of an attribute; in reStructuredText a bare word ending in "_" is a hyperlink
# reference, so quote such names as literals (only inside "shape (...)", never in code).
_SHAPE = re.compile(r"shape \(([^)]*)\)")
_TRAILING_UNDERSCORE = re.compile(r"(?<![`\w])([A-Za-z]\w*_)(?=,|$)")


def _quote_shape(match: re.Match) -> str:
    return "shape (" + _TRAILING_UNDERSCORE.sub(r"``\1``", match.group(1)) + ")"


def _process_docstring(app, what, name, obj, options, lines) -> None:
    module = getattr(obj, "__module__", None) or ""
    foreign = not module.startswith("imbtab")
    for i, line in enumerate(lines):
        if line.lstrip().startswith((">>>", "...")):
            continue
        if foreign:
            line = _FOREIGN_ROLE.sub(_plain_role, line)
        lines[i] = _SHAPE.sub(_quote_shape, line)


def setup(app) -> None:
    # before numpydoc (priority 500) so that its parsed sections see the fixed text
    app.connect("autodoc-process-docstring", _process_docstring, priority=100)
