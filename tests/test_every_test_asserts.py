"""A test that asserts nothing is a defect: every test function asserts, expects a refusal, or calls a
helper named assert_*/check_*/expect* that does."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent
CHECKS = ("assert_", "check_", "expect")


def _asserts(function: ast.AST) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in {"raises", "fail", "assertNumQueries"} or name.startswith(CHECKS):
                return True
    return False


def test_every_test_function_asserts_something():
    silent = []
    for path in sorted(TESTS.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_test = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
            if is_test and not _asserts(node):
                silent.append(f"{path.relative_to(TESTS)}:{node.lineno} {node.name}")
    assert silent == []


def test_the_check_sees_a_silent_test():
    tree = ast.parse("def test_x():\n    run()\n")
    assert not _asserts(tree.body[0])
    assert _asserts(ast.parse("def test_y():\n    assert_contract(1)\n").body[0])
