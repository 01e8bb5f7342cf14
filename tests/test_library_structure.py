"""rnnlib reads like the maths: every module is small, documented, and says what it uses.

One concept per module (none over 300 lines), a module docstring, imports at module level only
(no import inside a function to get round an import cycle), and no ``hasattr``/``getattr``
probing to find out what an object is: layers declare it (``rnnlib.layer.SequenceLayer``).
"""
import ast
import pathlib

import pytest

import rnnlib

MODULES = sorted(pathlib.Path(rnnlib.__file__).parent.rglob("*.py"))
IDS = [str(p.relative_to(pathlib.Path(rnnlib.__file__).parent)) for p in MODULES]


def test_the_library_has_its_packages():
    assert {"layer.py", "reference/loop.py", "viz/curves.py", "tasks/reber.py",
            "text/vocab.py"} <= set(IDS)


@pytest.mark.parametrize("path", MODULES, ids=IDS)
def test_module_is_small_documented_and_imports_at_the_top(path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    assert len(source.splitlines()) <= 300, f"{path.name}: {len(source.splitlines())} lines"
    assert ast.get_docstring(tree), f"{path.name}: no module docstring"
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner = [n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
            assert not inner, f"{path.name}: import inside {node.name}()"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("hasattr", "getattr"), \
                f"{path.name}:{node.lineno}: {node.func.id}() probing"
