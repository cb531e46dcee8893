"""Which rulebook parameters the code reads — so that no number in a rulebook is one nobody applies.

A parameter is *read* when a block refers to it (``length: $decision_days``: the engine reads the block), or when
code asks for it by name (``rulebook.param("APL-42", "min_handlers")``). The second kind is registered here, in
:data:`READ_BY_CODE`, because ``lawtrace rulebook check`` runs on the files alone (:mod:`lawtrace.rulebook.loader`
stays free of Django and of the rest of the code). The registry cannot drift from the code: a test
(``tests/rulebook/test_parameter_readers.py``) runs :func:`scan` over ``src/`` — every ``param("RULE", "key")``,
``….params["key"]``, ``….params.get("key")`` and ``"key" in ….params``, with keys given as literals, as
``a if c else b`` of literals, or as a name assigned such literals — and requires the registry and the scan to
agree both ways.

A parameter that is neither read nor :data:`PLANNED_READERS` must be marked ``informational`` in its rulebook, with
the reason it is kept; the check fails otherwise, and fails too on an ``informational`` parameter that code reads.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# (rule ID, parameter) → the modules that read it by name (under src/lawtrace/).
READ_BY_CODE: dict[tuple[str, str], str] = {
    ("APL-36", "years"): "cases/services.py",
    ("APL-36", "years_harm"): "cases/services.py",
    ("APL-42", "min_handlers"): "cases/services.py, cases/compliance.py, cases/record_effects.py",
    ("APL-42", "min_officers"): "cases/judges.py",
    ("FUND-29", "min_inspectors"): "cases/record_effects.py, cases/judges.py",
    ("APL-51", "max_fine_natural_person_fen"): "cases/record_effects.py",
    ("APL-51", "max_fine_legal_person_fen"): "cases/record_effects.py",
    ("APL-57", "collective_fine_natural_person_fen"): "cases/judges.py",
    ("APL-57", "collective_fine_legal_person_fen"): "cases/judges.py",
    ("APL-58", "first_reviewer_needs_qualification"): "cases/judges.py",
    ("APL-63", "fine_natural_person_fen"): "cases/judges.py",
    ("APL-63", "fine_legal_person_fen"): "cases/judges.py",
    ("APL-63", "heavy_penalty_types"): "cases/judges.py",
    ("APL-64", "request_days"): "cases/judges.py",
    ("APL-64", "notice_days"): "cases/record_effects.py",
    ("WS-17.3", "min_servers"): "cases/record_effects.py",
    ("APL-68", "max_onsite_collection_fen"): "cases/record_effects.py",
    ("CEL-54", "review_days"): "cases/court_window.py",
    ("CEL-54", "lawsuit_months"): "cases/court_window.py",
    ("IMR-13", "gap_tolerance_seconds"): "evidence/rules.py",
    ("WS-12", "gap_tolerance_seconds"): "evidence/rules.py",
    ("PUB-MASK", "natural_person_name"): "disclosure/rules.py",
    ("PUB-MASK", "withhold_when"): "disclosure/rules.py",
    ("PUB-MASK", "notify_party_at_service"): "cases/record_judges.py",
    ("APL-59", "decision_date_tolerance_days"): "cases/record_judges.py",
}

# Parameters a rule is about to read, accepted by the check meanwhile: once the code reads one, the scan finds it
# and the test asks for it to move to READ_BY_CODE. Empty: every parameter is read or marked informational.
PLANNED_READERS: frozenset[tuple[str, str]] = frozenset()


def read_by_code(rule_id: str, key: str) -> bool:
    return (rule_id, key) in READ_BY_CODE


def planned(rule_id: str, key: str) -> bool:
    return (rule_id, key) in PLANNED_READERS


# -- the static scan -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """One place code reads a parameter: ``rule`` None when the rule is not named there (``rule.params["key"]`` on
    a rule chosen elsewhere); ``key`` None when the scan cannot tell which key (to be written as a literal)."""

    rule: str | None
    key: str | None
    where: str  # path:line


def scan(root: Path) -> list[Read]:
    """Every parameter read in the Python files under ``root``. Pass-through helpers whose rule and key are their
    own arguments (``def param(rulebook, version, rule_id, key)``) are not reads: their callers are."""
    reads: list[Read] = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        reads.extend(_Scanner(tree, str(path.relative_to(root))).reads())
    return reads


class _Unresolved(Exception):
    pass


class _PassThrough(Exception):
    pass


class _Scanner:
    def __init__(self, tree: ast.Module, path: str) -> None:
        self.tree = tree
        self.path = path
        self.module_names = _assignments(tree.body)

    def reads(self) -> Iterator[Read]:
        for scope, node in _walk_with_scope(self.tree):
            found = self._read(node, scope)
            if found is None:
                continue
            rule_node, key_node = found
            try:
                rules = self._values(rule_node, scope) if rule_node is not None else {None}
            except _PassThrough:  # a helper handing on its caller's rule: the caller's call is the read
                continue
            except _Unresolved:
                rules = {None}
            try:
                keys = self._values(key_node, scope)
            except (_PassThrough, _Unresolved):
                keys = {None}
            where = f"{self.path}:{getattr(node, 'lineno', 0)}"
            for rule in rules:
                for key in keys:
                    yield Read(rule, key, where)

    @staticmethod
    def _read(node: ast.AST, scope: ast.AST | None) -> tuple[ast.expr | None, ast.expr] | None:
        """(rule expression or None, key expression) when ``node`` reads a parameter."""
        if isinstance(node, ast.Call) and _name(node.func) == "param":
            if len(node.args) >= 2:
                return node.args[-2], node.args[-1]
            if len(node.args) == 1 and isinstance(node.func, ast.Attribute):  # rulebook.rule("R").param("key")
                return _rule_of(node.func.value), node.args[0]
        if isinstance(node, ast.Subscript) and _is_params(node.value):  # ….params["key"]
            return _rule_of(node.value.value), node.slice  # type: ignore[attr-defined]
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.In | ast.NotIn):
            if _is_params(node.comparators[0]):  # "key" in ….params
                return _rule_of(node.comparators[0].value), node.left  # type: ignore[attr-defined]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            if _is_params(node.func.value) and node.args:  # ….params.get("key")
                return _rule_of(node.func.value.value), node.args[0]  # type: ignore[attr-defined]
        return None

    def _values(self, node: ast.expr, scope: ast.AST | None) -> set[str | None]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return self._values(node.body, scope) | self._values(node.orelse, scope)
        if isinstance(node, ast.Name):
            if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
                if node.id in {a.arg for a in (*scope.args.args, *scope.args.kwonlyargs, *scope.args.posonlyargs)}:
                    raise _PassThrough
                local = _assignments(list(ast.walk(scope)))
                if node.id in local:
                    return set().union(*(self._values(v, None) for v in local[node.id]))
            if node.id in self.module_names:
                return set().union(*(self._values(v, None) for v in self.module_names[node.id]))
        raise _Unresolved


def _name(node: ast.expr) -> str | None:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None


def _is_params(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "params"


def _rule_of(node: ast.expr) -> ast.expr | None:
    """The rule expression of ``rulebook.rule("R")`` (so ``rulebook.rule("R").params`` names R), else None."""
    if isinstance(node, ast.Call) and _name(node.func) == "rule" and len(node.args) == 1:
        return node.args[0]
    return None


def _assignments(nodes: list[ast.AST] | list[ast.stmt]) -> dict[str, list[ast.expr]]:
    """name → the values assigned to it (``key = "a" if natural else "b"``; ``RULE = "NHSA-LEAD"``)."""
    found: dict[str, list[ast.expr]] = {}
    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            found.setdefault(node.target.id, []).append(node.value)
    return found


def _walk_with_scope(tree: ast.Module) -> Iterator[tuple[ast.AST | None, ast.AST]]:
    """Every node with the innermost function around it (None at module level)."""

    def visit(node: ast.AST, scope: ast.AST | None) -> Iterator[tuple[ast.AST | None, ast.AST]]:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else scope
            yield inner, child
            yield from visit(child, inner)

    yield from visit(tree, None)
