"""The apps import downwards only, as docs/architecture.md states: drives → donors, plans → orgs → core
(notify on core), and no module hides an import of the project inside a function."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "hienmau"

ALLOWED = {
    "core": set(),
    "notify": {"core"},
    "orgs": {"core"},
    # Background jobs (a progress row, the worker's task): apps above register runners, jobs imports none.
    "jobs": {"core", "orgs"},
    "plans": {"core", "orgs", "jobs"},
    "donors": {"core", "orgs", "jobs"},
    "drives": {"core", "orgs", "plans", "donors", "notify", "jobs"},
    "results": {"core", "orgs", "plans", "donors", "drives", "jobs"},
    "demand": {"core", "orgs", "plans"},
    "reports": {"core", "orgs", "plans", "donors", "drives", "results", "demand", "notify", "jobs"},
    "standby": {"core", "orgs", "donors", "notify", "jobs"},
    "honours": {"core", "orgs", "plans", "donors", "drives", "results", "reports", "jobs"},
    "humanitarian": {"core", "orgs", "plans", "donors", "results", "reports"},
    # The JSON API sits on top: it reads every app through its scoping and services, and owns no rules.
    "api": {"core", "orgs", "plans", "donors", "drives", "results", "reports", "standby", "honours"},
    "outreach": {"core", "orgs", "plans", "donors", "drives", "results", "reports", "humanitarian"},
}
# Function-level project imports still waiting for the table-reading core (issue 14), to be removed there.
LAZY_LEFT = {"plans/lib/document.py", "plans/readers.py"}


def modules():
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if len(relative.parts) > 1 and "migrations" not in relative.parts:
            yield relative, ast.parse(path.read_text(encoding="utf-8"))


def project_imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("hienmau."):
            yield node


def test_apps_import_only_downwards():
    wrong = []
    for relative, tree in modules():
        app = relative.parts[0]
        for node in project_imports(tree):
            target = node.module.split(".")[1]
            if target != app and target not in ALLOWED[app]:
                wrong.append(f"{relative}:{node.lineno} {app} → {target}")
    assert wrong == []


def test_every_app_is_placed_in_the_layers():
    apps = {p.name for p in SRC.iterdir() if (p / "apps.py").exists()}
    assert apps == set(ALLOWED)


def test_no_project_import_hides_inside_a_function():
    lazy = []
    for relative, tree in modules():
        if relative.name == "apps.py":  # AppConfig.ready(): where Django wants wiring done, after models load
            continue
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                lazy += [f"{relative}:{n.lineno}" for n in project_imports(function)]
    assert sorted({entry.split(":")[0] for entry in lazy} - LAZY_LEFT) == [], lazy
