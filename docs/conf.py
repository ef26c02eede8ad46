"""Sphinx configuration for skregnet's documentation."""

from skregnet import __version__

project = "skregnet"
author = "the skregnet developers"
release = version = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
]
autosummary_generate = True
numpydoc_show_class_members = False
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable", None),
    "sklearn": ("https://scikit-learn.org/stable", None),
}
html_theme = "pydata_sphinx_theme"
exclude_patterns = ["_build"]
