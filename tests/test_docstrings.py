"""numpydoc validation of the public API's docstrings."""

import inspect

import pytest

import skregnet

numpydoc_validate = pytest.importorskip("numpydoc.validate")

# checks we do not follow: GL08 (private helpers need no docstring), ES01
# (extended summaries are optional), SA01/EX01 for methods (See Also and
# Examples live on the classes), RT02 (sklearn's "self : object" style)
IGNORED = {"GL08", "ES01", "SA01", "EX01", "RT02", "PR02"}


def _public_objects():
    for name in skregnet.__all__:
        obj = getattr(skregnet, name)
        if not inspect.isclass(obj) and not inspect.isfunction(obj):
            continue
        yield f"skregnet.{name}"
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or not (
                    inspect.isfunction(member) or hasattr(member, "fn")
                ):
                    continue
                yield f"skregnet.{name}.{attr}"


@pytest.mark.parametrize("import_path", sorted(set(_public_objects())))
def test_docstring(import_path):
    result = numpydoc_validate.validate(import_path)
    errors = [
        f"{code}: {message}"
        for code, message in result["errors"]
        if code not in IGNORED
    ]
    assert not errors, "\n".join(errors)
