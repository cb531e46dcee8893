"""Loading and checking rulebook files. Pure: no Django, no database, no clock.

* :func:`load` returns a :class:`Rulebook` with its includes merged (the jurisdiction's rules, then the base's; record
  kinds, service modes and other vocabularies merged), as written in the file — that is, at its first version.
  :meth:`Rulebook.at_version` applies a later version's overrides; :meth:`Rulebook.version_in_force` says which
  version a case opened on a given day is judged by. Loaded rulebooks are cached and immutable.
* :func:`check_file` reports every problem of a file as ``file:line: RULE-ID: message``: YAML syntax, the pydantic
  schema (each error mapped back to the line of the offending rule or field), and cross-checks the schema cannot make
  alone — duplicate IDs, IDs unknown to REQUIREMENTS.md, rules marked *(unverified)* there that are not marked so
  here, references to record kinds, fields, actions, acts and rules that do not exist, calendar-day periods that the
  penalty and coercion laws count in working days (APL-85, CEL-69), quotations of national law as 原文.
  :func:`load` refuses a file with any problem, so a loaded rulebook has passed them all.

The rule-ID list (``rulebooks/rule-ids.txt``, the output of ``tools/rule-ids``) and the IDs REQUIREMENTS.md marks
unverified (``rulebooks/unverified.txt``) are shipped beside the files.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from lawtrace.rulebook import bounds, readers
from lawtrace.rulebook.deadlines import Period
from lawtrace.rulebook.schema import (
    RULE_ID_RE,
    TIME_FIELD_TYPES,
    Deadline,
    EventRef,
    FieldSpec,
    Override,
    RecordKind,
    Rule,
    RulebookFile,
    RulebookVersion,
    RuleKind,
    ServiceMode,
    Source,
    TextType,
    TimeUnits,
    Unit,
)

RULEBOOK_DIR = Path(__file__).resolve().parent / "rulebooks"
RULE_IDS_FILE = RULEBOOK_DIR / "rule-ids.txt"
UNVERIFIED_FILE = RULEBOOK_DIR / "unverified.txt"

_Loc = tuple[int | str, ...]
_SLUG_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    rule_id: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.rule_id or '-'}: {self.message}"

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file, self.line, self.rule_id or "", self.message)


class RulebookError(Exception):
    """A rulebook that cannot be loaded or used as asked; ``problems`` lists a file's problems when there are any."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)

    def __str__(self) -> str:
        return "\n".join([self.args[0], *(str(p) for p in self.problems)])


class NotInForce(RulebookError):
    """No version of the rulebook was in force on the day asked (WS-26, IMR-28)."""


# -- shipped lists -------------------------------------------------------------------------------------------------


@functools.cache
def requirement_ids() -> tuple[str, ...]:
    """Every rule ID of REQUIREMENTS.md, in its order (``rulebooks/rule-ids.txt``)."""
    return tuple(_lines(RULE_IDS_FILE))


@functools.cache
def unverified_ids() -> frozenset[str]:
    """The IDs REQUIREMENTS.md marks *(unverified)* (``rulebooks/unverified.txt``)."""
    return frozenset(_lines(UNVERIFIED_FILE))


def _lines(path: Path) -> Iterator[str]:
    if not path.is_file():  # an installation without the lists loads rulebooks all the same, unchecked against them
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if (line := line.strip()) and not line.startswith("#"):
            yield line


# -- the resolved rulebook -----------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Rulebook:
    """A rulebook with its includes merged, at one version (``version``)."""

    name: str
    title: str
    jurisdiction: str
    selectable: bool
    chain: tuple[str, ...]  # this rulebook, then what it includes (nearest first)
    sources: Mapping[str, Source]
    versions: tuple[RulebookVersion, ...]
    version: RulebookVersion
    rules: Mapping[str, Rule]  # own rules first, then included ones
    record_kinds: Mapping[str, RecordKind]
    service_modes: Mapping[str, ServiceMode]
    actions: Mapping[str, str]
    acts: Mapping[str, str]
    _written: Mapping[str, Rule] = field(repr=False)
    _layers: tuple[tuple[RulebookVersion, ...], ...] = field(repr=False)  # each file's versions, base first

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules.values())

    def __len__(self) -> int:
        return len(self.rules)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self.rules

    def rule(self, rule_id: str) -> Rule:
        try:
            return self.rules[rule_id]
        except KeyError:
            raise KeyError(f"规则集 {self.name} 中没有规则 {rule_id} / no rule {rule_id} in {self.name}") from None

    def param(self, rule_id: str, key: str) -> Any:
        return self.rule(rule_id).param(key)

    def rules_of_kind(self, kind: RuleKind | str) -> list[Rule]:
        return [rule for rule in self.rules.values() if rule.kind == kind]

    def rules_for(self, case_type: str, procedure: str | None = None) -> list[Rule]:
        """The rules that apply to a case of this type (and procedure): those naming it, or naming none."""
        return [
            rule
            for rule in self.rules.values()
            if (not rule.applies_to or case_type in rule.applies_to)
            and (procedure is None or not rule.procedures or procedure in rule.procedures)
        ]

    def scope_refusal(self, case_type: str, org_kind: str) -> Rule | None:
        """None when a scope rule binds this kind of organisation for this case type (WS-2, WS-25, IMR-2, IMR-27);
        else the scope rule to cite: the one for that kind of organisation, or the first. A rulebook whose scope
        rules name no case types binds every case."""
        scopes = [(r, r.scope) for r in self.rules_of_kind(RuleKind.SCOPE) if r.scope and r.scope.case_types]
        if not scopes or any(case_type in s.case_types and org_kind in s.org_kinds for _, s in scopes):
            return None
        return next((r for r, s in scopes if org_kind in s.org_kinds), scopes[0][0])

    def record_kind(self, name: str) -> RecordKind:
        try:
            return self.record_kinds[name]
        except KeyError:
            raise KeyError(f"规则集 {self.name} 中没有记录类型 {name} / no record kind {name!r}") from None

    def service_mode(self, name: str) -> ServiceMode:
        try:
            return self.service_modes[name]
        except KeyError:
            raise KeyError(f"规则集 {self.name} 中没有送达方式 {name} / no service mode {name!r}") from None

    def unit_rule(self, rule: Rule, deadline: Deadline) -> Rule | None:
        """The rule that makes this deadline count working days (APL-85: the penalty law's 2/3/5/7 days; CEL-69:
        the coercion law's periods of ten days or less), from the rulebook's ``time_units`` blocks; else None."""
        if deadline.unit is not Unit.WORKING_DAY or deadline.length is None:
            return None
        return next(
            (
                other
                for other in self.rules.values()
                if (units := other.time_units) is not None
                and rule.prefix in units.prefixes
                and units.requires_working_days(deadline.length)
            ),
            None,
        )

    def period(self, rule: Rule, deadline: Deadline) -> Period:
        """A deadline block's period, its explanation naming the rule that fixes its unit (APL-85, CEL-69)."""
        assert deadline.unit is not None
        source = self.unit_rule(rule, deadline)
        basis = f"{source.article}：期限以工作日计算（{source.id}）" if source is not None else ""
        return Period(deadline.length, deadline.unit, deadline.roll_to_working_day, basis=basis)

    def version_in_force(self, on: date) -> RulebookVersion:
        """The version a case opened on ``on`` is judged by: the latest whose effective date is not after it."""
        in_force = [v for v in self.versions if v.effective_from <= on]
        if not in_force:
            first = self.versions[0].effective_from
            raise NotInForce(
                f"规则集 {self.name} 于 {on.isoformat()} 尚未施行（{first.isoformat()} 起施行）"
                f" / rulebook {self.name} is not in force on {on.isoformat()}"
            )
        return in_force[-1]

    def at_version(self, version: str) -> Rulebook:
        """The rules as that version has them: every file's overrides in force on its effective date, base first."""
        target = next((v for v in self.versions if v.version == version), None)
        if target is None:
            known = "、".join(v.version for v in self.versions)
            raise RulebookError(f"规则集 {self.name} 没有版本 {version}（有：{known}） / no version {version}")
        rules = dict(self._written)
        for layer in self._layers:
            for candidate in layer:
                if candidate.effective_from <= target.effective_from:
                    rules = _apply_overrides(rules, candidate)
        return dataclasses.replace(self, rules=MappingProxyType(rules), version=target)

    def with_version(self, version: RulebookVersion) -> Rulebook:
        """This rulebook with one more version (an organisation's dated overlay of parameters), checked."""
        if version.effective_from <= self.versions[-1].effective_from:
            raise RulebookError(
                f"新版本须晚于 {self.versions[-1].effective_from.isoformat()} 施行 / a new version must start later"
            )
        if version.version in {v.version for v in self.versions}:
            raise RulebookError(f"版本号 {version.version} 已存在 / version label already used")
        _apply_overrides(dict(self._written), version)  # raises on an unknown rule or parameter
        version = version.model_copy(update={"rulebook": self.name})
        layers = (*self._layers[:-1], (*self._layers[-1], version))
        return dataclasses.replace(self, versions=(*self.versions, version), _layers=layers)

    def with_overlay(self, label: str, overrides: Mapping[str, Override], source: str, since: date) -> Rulebook:
        """This rulebook, at its version, with an organisation's parameters over it (IMR-26 / IMD-13: a people's
        government's provision prevails). ``label`` is the version string a case stores (``2025.1+o7.42.3``, see
        ``lawtrace.rulebook.overlays``); checked like a version's overrides."""
        since = max(since, self.version.effective_from)  # the overlay's latest row, or the version if later
        update = {"version": label, "source": source, "overrides": dict(overrides), "effective_from": since}
        version = self.version.model_copy(update=update)
        rules = _apply_overrides(dict(self.rules), version)  # raises on an unknown rule or parameter
        return dataclasses.replace(self, rules=MappingProxyType(rules), version=version)

    def override_problems(self, rule_id: str, override: Override) -> list[str]:
        """Why an override of the rule would be refused (unknown parameter, another type); empty when it is fine."""
        return _override_problems(self.rule(rule_id), override)


def _apply_overrides(rules: dict[str, Rule], version: RulebookVersion) -> dict[str, Rule]:
    for rule_id, override in version.overrides.items():
        if rule_id not in rules:
            raise RulebookError(f"版本 {version.version} 覆盖了不存在的规则 {rule_id} / overrides unknown rule")
        if messages := _override_problems(rules[rule_id], override):
            raise RulebookError(f"版本 {version.version}：{rule_id}：" + "；".join(messages))
        rules[rule_id] = rules[rule_id].with_overrides(override)
    return rules


def _override_problems(rule: Rule, override: Override) -> list[str]:
    messages = []
    for key, value in override.params.items():
        if key not in rule.params:
            messages.append(f"规则 {rule.id} 没有参数 {key} / rule {rule.id} has no parameter {key!r}")
        elif not _same_type(rule.params[key].value, value):
            messages.append(f"参数 {key} 的类型应与原值 {rule.params[key].value!r} 相同 / {key}: type must not change")
    return messages


def _same_type(old: Any, new: Any) -> bool:
    if isinstance(old, bool) or isinstance(new, bool):
        return isinstance(old, bool) and isinstance(new, bool)
    if isinstance(old, list) and isinstance(new, list):
        return not old or not new or type(old[0]) is type(new[0])
    return type(old) is type(new)


# -- loading -------------------------------------------------------------------------------------------------------


def available(directory: Path | None = None) -> list[str]:
    """The names of the rulebooks in ``directory`` (default: those shipped), sorted."""
    return sorted(p.stem for p in (directory or RULEBOOK_DIR).glob("*.yaml"))


def load(name: str, *, directory: Path | None = None) -> Rulebook:
    """The rulebook ``name`` with its includes merged, at its first version; refused if its files have problems."""
    if directory is None:
        return _load_shipped(name)
    return _load(name, Path(directory))


@functools.cache
def _load_shipped(name: str) -> Rulebook:
    return _load(name, RULEBOOK_DIR)


# Resolves the part of a version string after "+" (an organisation's parameter overlay, IMR-26 / IMD-13) from the
# database: registered by the rulebook app (``lawtrace.rulebook.overlays``), so this module stays free of Django.
OverlaySource = Callable[[Rulebook, str], Rulebook]
_overlay_source: OverlaySource | None = None


def set_overlay_source(source: OverlaySource | None) -> None:
    global _overlay_source
    _overlay_source = source


@functools.cache
def at(name: str, version: str) -> Rulebook:
    """The shipped rulebook ``name`` as ``version`` has it — what a case is judged by. Cached: a version, once
    shipped, never changes, and building its rule mapping for every case evaluated was a fifth of the cost.
    ``2025.1+o7.42.3`` is version 2025.1 with an organisation's overlay (``lawtrace.rulebook.overlays``): its rows
    are immutable, so the string names the same rules for ever and the cache stays right."""
    base, plus, overlay = version.partition("+")
    rulebook = _load_shipped(name).at_version(base)
    if not plus:
        return rulebook
    if _overlay_source is None:
        raise RulebookError(f"无法解析参数覆盖版本 {version} / no overlay source registered")
    return _overlay_source(rulebook, overlay)


def _load(name: str, directory: Path) -> Rulebook:
    path = directory / f"{name}.yaml"
    if not _SLUG_RE.fullmatch(name) or not path.is_file():
        known = "、".join(available(directory)) or "无"
        raise RulebookError(f"没有规则集 {name}（现有：{known}） / no rulebook {name!r}")
    checker = _Checker()
    problems = checker.check(path)
    if problems:
        raise RulebookError(f"规则集 {name} 有 {len(problems)} 处错误 / rulebook {name} has problems", problems)
    chain = checker.chain(path)
    top = chain[-1]
    merged = _merge(chain)
    layers = tuple(tuple(v.model_copy(update={"rulebook": m.rulebook}) for v in m.versions) for m in chain)
    versions = layers[-1]
    rules = {rule.id: rule for model in reversed(chain) for rule in model.rules}
    written = Rulebook(
        name=top.rulebook,
        title=top.title,
        jurisdiction=top.jurisdiction,
        selectable=top.selectable,
        chain=tuple(m.rulebook for m in reversed(chain)),
        sources=MappingProxyType(merged.sources),
        versions=versions,
        version=versions[0],
        rules=MappingProxyType(rules),
        record_kinds=MappingProxyType(merged.record_kinds),
        service_modes=MappingProxyType(merged.service_modes),
        actions=MappingProxyType(merged.actions),
        acts=MappingProxyType(merged.acts),
        _written=MappingProxyType(rules),
        _layers=layers,
    )
    return written.at_version(versions[0].version)


# -- checking ------------------------------------------------------------------------------------------------------


def check_file(path: Path | str) -> list[Problem]:
    """Every problem of one rulebook file (its includes are read from the same folder), sorted by line."""
    return _Checker().check(Path(path))


def check_all(directory: Path | None = None) -> list[Problem]:
    """Every problem of every rulebook file in ``directory`` (default: those shipped)."""
    checker = _Checker()
    problems: list[Problem] = []
    for name in available(directory):
        problems.extend(checker.check((directory or RULEBOOK_DIR) / f"{name}.yaml"))
    return problems


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class _Parsed:
    path: Path
    raw: Any = None
    node: Node | None = None
    model: RulebookFile | None = None  # the file, or its valid part when some rules fail the schema
    positions: list[int] = field(default_factory=list)  # model.rules[i] is raw rules[positions[i]]
    problems: list[Problem] = field(default_factory=list)

    def line(self, loc: _Loc) -> int:
        return _line_of(self.node, loc) if self.node is not None else 1

    def rule_id(self, loc: _Loc) -> str | None:
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int) and isinstance(self.raw, dict):
            rules = self.raw.get("rules")
            if isinstance(rules, list) and 0 <= loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
                rule_id = rules[loc[1]].get("id")
                return rule_id if isinstance(rule_id, str) else None
        return None

    def problem(self, loc: _Loc, message: str, rule_id: str | None = None) -> None:
        self.problems.append(Problem(_display(self.path), self.line(loc), rule_id or self.rule_id(loc), message))


@dataclass
class _Merged:
    sources: dict[str, Source] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)
    acts: dict[str, str] = field(default_factory=dict)
    record_kinds: dict[str, RecordKind] = field(default_factory=dict)
    service_modes: dict[str, ServiceMode] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    conflicts: list[tuple[int, _Loc, str]] = field(default_factory=list)  # (chain index, loc, message)


class _Checker:
    """Parses each file once per run and checks it with what it includes."""

    def __init__(self) -> None:
        self._parsed: dict[Path, _Parsed] = {}
        self._checked: dict[Path, list[Problem]] = {}

    def parse(self, path: Path) -> _Parsed:
        path = path.resolve()
        if path not in self._parsed:
            self._parsed[path] = _parse(path)
        return self._parsed[path]

    def chain(self, path: Path, stack: tuple[Path, ...] = ()) -> list[RulebookFile]:
        """The file's includes, depth first, then the file: base first. Call only on files that check clean."""
        parsed = self.parse(path)
        assert parsed.model is not None
        models: list[RulebookFile] = []
        for name in parsed.model.includes:
            for model in self.chain(path.parent / f"{name}.yaml", (*stack, path)):
                if all(model.rulebook != m.rulebook for m in models):
                    models.append(model)
        return [*models, parsed.model]

    def check(self, path: Path, stack: tuple[Path, ...] = ()) -> list[Problem]:
        path = path.resolve()
        if path in self._checked:
            return self._checked[path]
        parsed = self.parse(path)
        if parsed.model is None:  # a syntax error, or not even the file's frame is valid: raw checks only
            self._checked[path] = sorted(parsed.problems, key=Problem.sort_key)
            return self._checked[path]
        model = parsed.model
        includes_ok = True
        for index, name in enumerate(model.includes):
            included = path.parent / f"{name}.yaml"
            if included.resolve() in (*stack, path):
                parsed.problem(("includes", index), f"循环引用规则集 {name} / include cycle through {name!r}")
                includes_ok = False
            elif not included.is_file():
                parsed.problem(("includes", index), f"找不到被引用的规则集 {name} / included rulebook not found")
                includes_ok = False
            elif problems := self.check(included, (*stack, path)):
                parsed.problem(
                    ("includes", index),
                    f"被引用的规则集 {name} 有 {len(problems)} 处错误，请先检查该文件 / included rulebook has problems",
                )
                includes_ok = False
        if includes_ok:
            _cross_check(parsed, self.chain(path))
        self._checked[path] = sorted(set(parsed.problems), key=Problem.sort_key)
        return self._checked[path]


class _YamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's when present: same nodes, ten times faster), with impossible dates reported at
    their line instead of raised as a bare ValueError."""


def _timestamp(loader: Any, node: ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as e:
        message = f"无效的日期 {node.value} / invalid date: {e}"
        raise yaml.constructor.ConstructorError(None, None, message, node.start_mark) from e


_YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _parse(path: Path) -> _Parsed:
    parsed = _Parsed(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        parsed.problems.append(Problem(_display(path), 1, None, f"无法读取文件 / cannot read the file: {e}"))
        return parsed
    loader = _YamlLoader(text)
    try:
        parsed.node = loader.get_single_node()
        parsed.raw = loader.construct_document(parsed.node) if parsed.node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else 1
        parsed.problems.append(Problem(_display(path), line, None, f"YAML 错误 / YAML error: {e.problem}"))
        return parsed
    except (yaml.YAMLError, ValueError, TypeError) as e:
        parsed.problems.append(Problem(_display(path), 1, None, f"YAML 错误 / YAML error: {e}"))
        return parsed
    finally:
        loader.dispose()
    if parsed.node is not None:
        _duplicate_keys(parsed, parsed.node, ())
    _raw_checks(parsed)
    try:
        parsed.model = RulebookFile.model_validate(parsed.raw)
        parsed.positions = list(range(len(parsed.model.rules)))
    except ValidationError as e:
        for error in e.errors():
            parsed.problem(tuple(error["loc"]), _message(error))
        _keep_valid_part(parsed)
    return parsed


def _keep_valid_part(parsed: _Parsed) -> None:
    """The file without its invalid rules, so that the cross-checks still run on the rest (only for checking)."""
    raw = parsed.raw
    if not isinstance(raw, dict) or not isinstance(raw.get("rules", []), list):
        return
    try:
        shell = RulebookFile.model_validate({**raw, "rules": []})
    except ValidationError:
        return
    rules: list[Rule] = []
    for position, data in enumerate(raw.get("rules") or []):
        try:
            rules.append(Rule.model_validate(data))
        except ValidationError:
            continue
        parsed.positions.append(position)
    parsed.model = shell.model_copy(update={"rules": rules})


def _line_of(node: Node | None, loc: _Loc) -> int:
    """The line of the deepest node ``loc`` reaches: a mapping key's line, a list item's first line."""
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if isinstance(key, ScalarNode) and key.value == str(part):
                    line, node = key.start_mark.line + 1, value
                    break
            else:
                break
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _duplicate_keys(parsed: _Parsed, node: Node, loc: _Loc) -> None:
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                if key.value in seen:
                    line = key.start_mark.line + 1
                    parsed.problems.append(
                        Problem(
                            _display(parsed.path),
                            line,
                            parsed.rule_id(loc),
                            f"键 {key.value} 重复（第 {seen[key.value]} 行已有） / duplicate key {key.value!r}",
                        )
                    )
                else:
                    seen[key.value] = key.start_mark.line + 1
                _duplicate_keys(parsed, value, (*loc, key.value))
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _duplicate_keys(parsed, item, (*loc, index))


def _raw_checks(parsed: _Parsed) -> None:
    """Checks that do not need a valid file: the name, duplicate IDs, IDs REQUIREMENTS knows or marks unverified."""
    raw = parsed.raw
    if not isinstance(raw, dict):
        parsed.problem((), "规则集文件应为映射（rulebook: …, rules: […]） / a rulebook file is a mapping")
        return
    if isinstance(raw.get("rulebook"), str) and raw["rulebook"] != parsed.path.stem:
        parsed.problem(("rulebook",), f"rulebook 应与文件名一致：{parsed.path.stem} / must equal the file's stem")
    rules = raw.get("rules")
    if not isinstance(rules, list):
        return
    known = set(requirement_ids())
    known_prefixes = {rule_id.split("-", 1)[0] for rule_id in known}
    first_line: dict[str, int] = {}
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict) or not isinstance(rule.get("id"), str):
            continue
        rule_id = rule["id"]
        loc: _Loc = ("rules", index, "id")
        if rule_id in first_line:
            parsed.problem(loc, f"规则编号重复（第 {first_line[rule_id]} 行已定义） / duplicate rule ID")
            continue
        first_line[rule_id] = parsed.line(loc)
        if not RULE_ID_RE.fullmatch(rule_id):
            continue  # the schema reports the format
        if rule_id.split("-", 1)[0] in known_prefixes and rule_id not in known:
            parsed.problem(loc, f"REQUIREMENTS.md 中没有规则 {rule_id} / {rule_id} is not a REQUIREMENTS rule ID")
        if rule_id in unverified_ids() and rule.get("unverified") is not True:
            parsed.problem(
                ("rules", index),
                "REQUIREMENTS.md 标为未核实（unverified），须写 unverified: true / marked unverified in REQUIREMENTS",
            )


# -- cross-checks on a valid file with its includes ----------------------------------------------------------------


def _merge(chain: Sequence[RulebookFile]) -> _Merged:
    merged = _Merged()
    for index, model in enumerate(chain):
        merged.sources.update(model.sources)
        for section in ("actions", "acts"):
            target: dict[str, str] = getattr(merged, section)
            for key, label in getattr(model, section).items():
                if key in target:
                    merged.conflicts.append((index, (section, key), f"{section}.{key} 已在被引用的规则集中定义"))
                target[key] = label
        for section in ("record_kinds", "service_modes"):
            kinds: dict[str, Any] = getattr(merged, section)
            for key, spec in getattr(model, section).items():
                if spec.extend and key not in kinds:
                    merged.conflicts.append(
                        (index, (section, key), f"extend: true 但被引用的规则集中没有 {key} / nothing to extend")
                    )
                    kinds[key] = spec
                elif spec.extend:
                    extended, message = _extend(kinds[key], spec)
                    kinds[key] = extended
                    if message:
                        merged.conflicts.append((index, (section, key), message))
                elif key in kinds:
                    merged.conflicts.append(
                        (index, (section, key), f"{key} 已定义；要扩展请写 extend: true / already defined, use extend")
                    )
                else:
                    kinds[key] = spec
        own: set[str] = set()
        for position, rule in enumerate(model.rules):
            if rule.id in merged.rules and rule.id not in own:  # a repeat within one file: the duplicate-ID check
                merged.conflicts.append(
                    (index, ("rules", position, "id"), f"规则 {rule.id} 已在被引用的规则集中定义 / already defined")
                )
            own.add(rule.id)
            merged.rules.setdefault(rule.id, rule)
    return merged


def _extend(base: Any, ext: Any) -> tuple[Any, str | None]:
    """A record kind or service mode with an extension's fields added and its settings taken over."""
    weakened = sorted(set(ext.optional_fields) & set(base.required_fields))
    required = {**base.required_fields, **ext.required_fields}
    optional = {k: v for k, v in {**base.optional_fields, **ext.optional_fields}.items() if k not in required}
    update: dict[str, Any] = {"required_fields": required, "optional_fields": optional, "extend": False}
    for name, value in ext:
        if name not in ("required_fields", "optional_fields", "extend") and value is not None:
            update[name] = value
    message = f"扩展不能把必填字段改为选填：{'、'.join(weakened)} / cannot make fields optional" if weakened else None
    return base.model_copy(update=update), message


def _cross_check(parsed: _Parsed, chain: Sequence[RulebookFile]) -> None:
    merged = _merge(chain)
    top = len(chain) - 1
    for index, where, message in merged.conflicts:
        if index == top:
            if where[0] == "rules" and isinstance(where[1], int):
                where = ("rules", parsed.positions[where[1]], *where[2:])
            parsed.problem(where, message)
    model = chain[-1]
    for position, version in enumerate(model.versions):
        for rule_id, override in version.overrides.items():
            loc: _Loc = ("versions", position, "overrides", rule_id)
            if rule_id not in merged.rules:
                parsed.problem(loc, f"覆盖了不存在的规则 {rule_id} / overrides an unknown rule", rule_id)
            elif position == 0 and any(r.id == rule_id for r in model.rules):
                parsed.problem(loc, "首个版本即为文件本身，请直接修改规则 / edit the rule itself in the first version")
            else:
                for message in _override_problems(merged.rules[rule_id], override):
                    parsed.problem(loc, message, rule_id)
                for key, value in override.params.items():  # a later version, too, may tighten but never loosen
                    rule = merged.rules[rule_id]
                    if key in rule.params and (found := bounds.violation(rule, key, value)) is not None:
                        message = f"超出法定界限：{found.message} / outside the law's bounds"
                        parsed.problem((*loc, "params", key), message, rule_id)
    units = [(rule.id, rule.time_units) for rule in merged.rules.values() if rule.time_units is not None]
    for position, rule in enumerate(model.rules):
        _RuleCheck(parsed, merged, model, parsed.positions[position], rule, units).run()
    for key, kind in model.record_kinds.items():
        for name, spec in kind.fields.items():
            if spec.ref is not None and spec.ref not in merged.record_kinds:
                parsed.problem(("record_kinds", key, name), f"未知的记录类型 {spec.ref} / unknown record kind")


@dataclass
class _RuleCheck:
    parsed: _Parsed
    merged: _Merged
    model: RulebookFile
    position: int
    rule: Rule
    units: list[tuple[str, TimeUnits]]

    def problem(self, where: _Loc, message: str) -> None:
        self.parsed.problem(("rules", self.position, *where), message, self.rule.id)

    def run(self) -> None:
        rule = self.rule
        source = self.model.sources.get(rule.prefix)
        if source is None:
            self.problem(("id",), f"编号前缀 {rule.prefix} 不在本文件的 sources 中 / prefix not in this file's sources")
        elif source.text_type is TextType.SUMMARY and rule.text_type is TextType.ORIGINAL:
            self.problem(("text_type",), f"{source.short}只能写摘要，不得作为原文引用 / national law is summarised")
        for index, record in enumerate(rule.records):
            self.check_record(("record",) if index == 0 else ("additional_records", index - 1), record)
        for index, deadline in enumerate(rule.deadlines):
            self.check_deadline(("deadline",) if index == 0 else ("additional_deadlines", index - 1), deadline)
        for index, gate in enumerate(rule.gates):
            where = ("gate",) if index == 0 else ("additional_gates", index - 1)
            if gate.before not in self.merged.actions:
                self.problem((*where, "before"), f"未知的操作 {gate.before} / unknown action (see actions)")
        if rule.av is not None:
            for act in rule.av.acts:
                if act not in self.merged.acts:
                    self.problem(("av", "acts"), f"未知的执法行为 {act} / unknown act (see acts)")
        for other in rule.related:
            if other not in self.merged.rules:
                self.problem(("related",), f"相关规则 {other} 不存在 / related rule not found")
        self.check_links()
        self.check_params()
        if rule.scope is not None and rule.scope.effective_from is not None:
            first = self.model.versions[0].effective_from
            if rule.scope.effective_from != first:
                self.problem(("scope", "effective_from"), f"应与首个版本的施行日期 {first} 一致 / must match versions")
        if rule.archiving is not None:
            for kind in rule.archiving.order:
                if kind not in self.merged.record_kinds:
                    self.problem(("archiving", "order"), f"未知的记录类型 {kind} / unknown record kind")
            for kind in (k for document in rule.archiving.required for k in document.kinds):
                if kind not in self.merged.record_kinds:
                    self.problem(("archiving", "required"), f"未知的记录类型 {kind} / unknown record kind")

    def check_params(self) -> None:
        """National law is a floor: each parameter declares its legal bounds, and its value lies within them; each
        is read by code (a block's ``$name``, or ``readers.READ_BY_CODE``) or marked ``informational``."""
        rule = self.rule
        referred = set(rule.param_refs.values())
        for key, param in rule.params.items():
            where = ("params", key)
            if param.bounds is None:
                self.problem(
                    where, f"参数 {key} 未声明法定界限 bounds（tighter、article…） / {key}: declare its bounds"
                )
            elif (found := bounds.violation(rule, key, param.value)) is not None:
                self.problem(where, f"参数 {key} 超出其法定界限：{found.message} / {key} outside its bounds")
            read = key in referred or readers.read_by_code(rule.id, key)
            if param.informational is not None and (read or readers.planned(rule.id, key)):
                self.problem(where, f"参数 {key} 有代码读取，不应标为 informational / {key} is read: not informational")
            elif param.informational is None and not read and not readers.planned(rule.id, key):
                self.problem(
                    where,
                    f"参数 {key} 没有代码读取：请在 lawtrace.rulebook.readers 登记读取它的代码，"
                    f"或标为 informational 并写明理由 / {key} is read by no code",
                )

    def check_links(self) -> None:
        rule, rules = self.rule, self.merged.rules
        if rule.accrual is not None:
            origin = rules.get(rule.accrual.from_rule)
            if origin is None or origin.deadline is None:
                self.problem(("accrual", "from_rule"), "from_rule 须为有 deadline 的规则 / must name a deadline rule")
        if rule.pause is not None:
            for other in rule.pause.applies_to:
                target = rules.get(other)
                if target is None or not (any(d.pausable for d in target.deadlines) or target.accrual is not None):
                    self.problem(("pause", "applies_to"), f"{other} 不存在或其时限不可中止（pausable） / not pausable")
            if rule.pause.record is not None and rule.pause.record not in self.merged.record_kinds:
                self.problem(("pause", "record"), f"未知的记录类型 {rule.pause.record} / unknown record kind")
            elif rule.pause.record is not None:  # CEL-25: a reason the record cannot carry would never pause
                spec = self.merged.record_kinds[rule.pause.record]
                field = {**spec.optional_fields, **spec.required_fields}.get("reason")
                offered = set(field.choices or {}) if field is not None and field.choices else None
                if offered is not None and (unknown := sorted(set(rule.pause.reasons) - offered)):
                    self.problem(
                        ("pause", "reasons"),
                        f"{rule.pause.record} 的事由选项中没有 {'、'.join(unknown)} / reasons the record cannot carry",
                    )
        if rule.extension is not None:
            for other in rule.extension.applies_to:
                target = rules.get(other)
                if target is None or not any(d.extendable for d in target.deadlines):
                    self.problem(("extension", "applies_to"), f"{other} 不存在或其时限不可延长 / not extendable")

    def fields_of(self, kind: str, service_mode: str | None = None) -> dict[str, FieldSpec] | None:
        record_kind = self.merged.record_kinds.get(kind)
        if record_kind is None:
            return None
        fields = dict(record_kind.fields)
        if service_mode is not None and service_mode in self.merged.service_modes:
            fields.update(self.merged.service_modes[service_mode].fields)
        return fields

    def check_record(self, where: _Loc, record: Any) -> None:
        fields = self.fields_of(record.kind, record.service_mode)
        if fields is None:
            self.problem((*where, "kind"), f"未知的记录类型 {record.kind} / unknown record kind")
            return
        for name in record.required_fields:
            if name not in fields:
                self.problem((*where, "required_fields"), f"{record.kind} 没有字段 {name} / no such field")
        if record.act is not None and record.act not in self.merged.acts:
            self.problem((*where, "act"), f"未知的执法行为 {record.act} / unknown act")
        if record.service_mode is not None and record.service_mode not in self.merged.service_modes:
            self.problem((*where, "service_mode"), f"未知的送达方式 {record.service_mode} / unknown service mode")
        for other in record.alternatives:
            if other not in self.merged.record_kinds:
                self.problem((*where, "alternatives"), f"未知的记录类型 {other} / unknown record kind")

    def check_event(self, where: _Loc, ref: EventRef | None) -> None:
        if ref is None:
            return
        fields = self.fields_of(ref.record_kind)
        if fields is None:
            self.problem((*where, "event"), f"未知的记录类型 {ref.record_kind} / unknown record kind in event")
        elif ref.field is not None:
            spec = fields.get(ref.field)
            if spec is None:
                self.problem((*where, "field"), f"{ref.record_kind} 没有字段 {ref.field} / no such field")
            elif spec.type not in TIME_FIELD_TYPES:
                self.problem((*where, "field"), f"{ref.field} 不是日期或时间字段 / not a date or time field")

    def check_deadline(self, where: _Loc, deadline: Deadline) -> None:
        self.check_event((*where, "trigger"), deadline.trigger)
        self.check_event((*where, "satisfied_by"), deadline.satisfied_by)
        self.check_unit((*where, "unit"), deadline.length, deadline.unit)
        if deadline.extension is not None:
            self.check_unit((*where, "extension"), deadline.extension.length, deadline.extension.unit)
        for index, alternative in enumerate(deadline.alternatives):
            spot = (*where, "alternatives", index)
            self.check_event((*spot, "trigger"), alternative.trigger)
            length = alternative.length if alternative.length is not None else deadline.length
            if alternative.cite is None:
                self.check_unit((*spot, "unit"), length, alternative.unit or deadline.unit)
            elif alternative.cite not in self.merged.rules:
                self.problem((*spot, "cite"), f"引用的规则 {alternative.cite} 不存在 / cited rule not found")

    def check_unit(self, where: _Loc, length: int | None, unit: Unit | None) -> None:
        """APL-85, CEL-69: the penalty law's 2/3/5/7 days and the coercion law's ≤ 10 days are working days."""
        if length is None or unit is not Unit.CALENDAR_DAY:
            return
        for source, units in self.units:
            if self.rule.prefix in units.prefixes and units.requires_working_days(length):
                self.problem(where, f"{length}日按 {source} 应为工作日（working_day） / must count working days")


# -- pydantic errors in Chinese and English ------------------------------------------------------------------------

_PATTERN_HINTS = {
    "^[A-Z]+-[0-9A-Z]+(\\.[0-9]+)?[a-z]?$": "规则编号格式应如 IMR-22、WS-17.1、IMR-2b / a rule ID like IMR-22",
    "^[a-z][a-z0-9_]*$": "应为小写英文和下划线组成的机器名 / a snake_case machine name",
    "^[a-z0-9]+(-[a-z0-9]+)*$": "规则集名称应如 inner-mongolia-2025 / a rulebook name like inner-mongolia-2025",
    "^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$": "事件应写作 记录类型.动词，如 av_record.stored / record_kind.verb",
    "^[A-Z]+$": "来源前缀应为大写字母，如 APL / an upper-case prefix",
}


def _message(error: ErrorDetails) -> str:
    loc = [str(part) for part in error["loc"]]
    if len(loc) >= 2 and loc[0] == "rules":
        loc = loc[2:]
    where = ".".join(part for part in loc if part != "[key]")
    field_name = next((part for part in reversed(loc) if part != "[key]" and not part.isdigit()), "")
    kind, ctx, given = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return f"缺少必填字段 {field_name} / missing required field {field_name!r}"
    if kind == "extra_forbidden":
        return f"不允许的字段 {field_name}（拼写错误？） / unknown field {field_name!r}"
    if kind in ("enum", "literal_error"):
        text = f"取值 {given!r} 无效，应为 {ctx.get('expected')} / invalid value"
    elif kind == "value_error":
        text = str(ctx.get("error", error["msg"]))
    elif kind == "string_pattern_mismatch":
        text = f"{given!r}：" + _PATTERN_HINTS.get(str(ctx.get("pattern")), f"格式不符 / does not match {ctx}")
    elif kind == "string_type":
        hint = '（数字请加引号，如 "2025.1"）' if isinstance(given, int | float) else ""
        text = f"应为字符串{hint} / expected a string"
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        text = f"应为整数，而不是 {given!r} / expected an integer"
    elif kind in ("bool_type", "bool_parsing"):
        text = "应为 true 或 false / expected true or false"
    elif kind.startswith("date"):
        text = "应为日期，如 2025-06-26 / expected a date"
    elif kind == "list_type":
        text = "应为列表 / expected a list"
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        text = "应为映射（键: 值） / expected a mapping"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        text = f"超出范围（{error['msg']}） / out of range"
    elif kind == "too_short":
        text = f"至少需要 {ctx.get('min_length')} 项 / needs at least {ctx.get('min_length')}"
    else:
        text = error["msg"]
    if kind == "value_error" and text.startswith("Value error, "):
        text = text.removeprefix("Value error, ")
    return f"{where}: {text}" if where else text
