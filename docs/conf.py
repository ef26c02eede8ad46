"""Sphinx configuration for skregnet's documentation.

Build (offline, warnings are errors): ``sphinx-build -W -b html docs
docs/_build/html``, or ``bash docs/build.sh``, which also checks the result in
a headless browser.
"""

import os
import warnings

from skregnet import __version__

project = "skregnet"
author = "the skregnet developers"
copyright = "the skregnet developers"
release = version = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    # MathJax served from the built site, so formulas render offline too
    "sphinx-mathjax-offline",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "examples", "auto_examples/*.ipynb"]
autosummary_generate = True
# "fit()" rather than "RegMLPClassifier.fit()" in the page's table of contents
toc_object_entries_show_parents = "hide"
autodoc_default_options = {"inherited-members": False}
# the class template (docs/_templates/autosummary/class.rst) lists and
# documents the methods itself
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# Cross-links to Python, NumPy and scikit-learn need their inventories, which
# are downloaded at build time. The build must work offline with -W, so they
# are opt-in: SKREGNET_DOCS_INTERSPHINX=1 sphinx-build ...
if os.environ.get("SKREGNET_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
    }

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("skregnet",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"skregnet": None},
    "abort_on_example_error": True,
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 1,
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
}

# the examples draw with the non-interactive backend
os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings(
    "ignore",
    category=UserWarning,
    message="Matplotlib is currently using agg, which is a non-GUI backend",
)

html_theme = "pydata_sphinx_theme"
html_title = f"skregnet {version}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 8,
}
html_show_sourcelink = False
