"""``lawtrace rulebook check [FILE ...]`` · ``lawtrace rulebook show NAME [--version V] [--kind K]`` · ``… list``.

``check`` prints one line per problem, ``file:line: RULE-ID: message``, and exits 1 when there is any. ``show``
prints a rulebook's rules (its includes merged) as a table aligned for Chinese text, at the version in force today
unless ``--version`` says otherwise (``--organisation CODE``: with that organisation's parameter overlay); unverified
rules are marked 未核实 so an administrator can confirm them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lawtrace.rulebook.calendar import SHANGHAI
from lawtrace.rulebook.loader import NotInForce, Rulebook, RulebookError, available, check_all, check_file, load
from lawtrace.rulebook.schema import (
    KIND_ZH,
    PARAM_UNIT_ZH,
    UNIT_ZH,
    Deadline,
    Param,
    ParamUnit,
    Relation,
    Rule,
    RuleKind,
)

HEADERS = ("编号", "类别", "文本", "核实", "时限", "标题", "参数")


class Command(BaseCommand):
    help = "规则集：检查规则集文件，显示规则。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        check = sub.add_parser("check", help="检查规则集文件（默认：随程序发布的全部规则集）")
        check.add_argument("files", nargs="*", metavar="FILE")
        show = sub.add_parser("show", help="以表格显示规则集的规则（含引用的基础规则）")
        show.add_argument("name", metavar="NAME")
        show.add_argument("--version", dest="rulebook_version", help="显示该版本（默认：今日施行的版本）")
        show.add_argument("--kind", choices=[kind.value for kind in RuleKind], help="只显示该类别的规则")
        show.add_argument("--organisation", metavar="CODE", help="显示该组织今日施行的参数（含参数调整，IMR-26）")
        sub.add_parser("list", help="列出随程序发布的规则集")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["sub"])(options)

    def _check(self, options: dict[str, Any]) -> None:
        files: list[str] = options["files"]
        problems = [p for f in files for p in check_file(Path(f))] if files else check_all()
        for problem in problems:
            self.stdout.write(str(problem))
        count = len(files) if files else len(available())
        if problems:
            raise CommandError(f"规则集检查未通过：{len(problems)} 处错误", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"规则集检查通过：{count} 个文件"))

    def _list(self, options: dict[str, Any]) -> None:
        for name in available():
            rulebook = load(name)
            versions = "、".join(f"{v.version}（{v.effective_from.isoformat()}起）" for v in rulebook.versions)
            usage = "可选用" if rulebook.selectable else "基础规则集，仅供引用"
            self.stdout.write(f"{name}  {rulebook.title}  {len(rulebook)}条规则  版本：{versions}  {usage}")

    def _show(self, options: dict[str, Any]) -> None:
        try:
            rulebook = load(options["name"])
            if options["organisation"]:
                rulebook = _organisation_rulebook(options["name"], options["organisation"])
            elif options["rulebook_version"]:
                rulebook = rulebook.at_version(options["rulebook_version"])
            else:
                rulebook = rulebook.at_version(_version_today(rulebook))
        except RulebookError as e:
            raise CommandError(str(e)) from e
        rules = [r for r in rulebook if options["kind"] is None or r.kind == options["kind"]]
        version = rulebook.version
        self.stdout.write(f"{rulebook.name}  {rulebook.title}")
        self.stdout.write(
            f"适用地区：{rulebook.jurisdiction}；版本 {version.version}（{version.effective_from.isoformat()}起施行）；"
            f"包含：{' → '.join(rulebook.chain)}"
        )
        self.stdout.write(f"依据：{version.source}")
        self.stdout.write("")
        self.stdout.write(_table([HEADERS, *(_row(rule) for rule in rules)]))
        unverified = sum(1 for rule in rules if rule.unverified)
        self.stdout.write("")
        self.stdout.write(f"共 {len(rules)} 条规则，其中未核实 {unverified} 条（须由管理员对照原文确认其参数）。")
        self.stdout.write("“原文”为地方文件原文摘录；“摘要”为国家法律法规的内容摘要，引用前请核对官方文本。")


def _organisation_rulebook(name: str, code: str) -> Rulebook:
    """The rulebook as the organisation (by its credit code or ``region-id`` code) applies it today: the version in
    force with its parameter overlay."""
    from lawtrace import clock
    from lawtrace.cases.rules import version_for
    from lawtrace.orgs.models import Organisation
    from lawtrace.rulebook.loader import at

    region, _, pk = code.partition("-")
    found = Organisation.objects.filter(credit_code=code).first()
    if found is None and pk.isdigit():
        found = Organisation.objects.filter(pk=int(pk), region_code=region).first()
    if found is None:
        raise CommandError(f"没有组织 {code}")
    if found.rulebook != name:
        raise CommandError(f"{found}适用的规则集是 {found.rulebook}，不是 {name}")
    return at(name, version_for(found, clock.now().astimezone(SHANGHAI).date()))


def _version_today(rulebook: Rulebook) -> str:
    from lawtrace import clock

    try:
        return rulebook.version_in_force(clock.now().astimezone(SHANGHAI).date()).version
    except NotInForce:
        return rulebook.versions[0].version


# -- the table -----------------------------------------------------------------------------------------------------


def _row(rule: Rule) -> tuple[str, ...]:
    return (
        rule.id,
        KIND_ZH[rule.kind],
        rule.text_type.value,
        "未核实" if rule.unverified else "",
        _deadlines(rule),
        rule.title,
        _params(rule),
    )


def _deadlines(rule: Rule) -> str:
    parts = [_deadline(d) for d in rule.deadlines]
    if rule.accrual is not None:
        parts.append(f"逾期每日加{rule.accrual.rate_bp_per_day / 100:g}%")
    if rule.extension is not None:
        parts.append(f"可延长{rule.extension.length}{UNIT_ZH[rule.extension.unit]}")
    if rule.pause is not None:
        parts.append("不计入期间")
    if rule.time_units is not None:
        units = rule.time_units
        lengths = "、".join(str(n) for n in units.lengths) + "日" if units.lengths else f"{units.max_length}日以内"
        parts.append(f"{lengths}按{UNIT_ZH[units.unit].removeprefix('个')}计")
    return "；".join(parts)


def _deadline(deadline: Deadline) -> str:
    if deadline.prompt:
        return "及时"
    if deadline.fixed is not None:
        text = f"{deadline.fixed.month}月{deadline.fixed.day}日前"
    else:
        assert deadline.unit is not None
        text = f"{deadline.length}{UNIT_ZH[deadline.unit]}"
        if deadline.starts_after is not None:
            text = f"{deadline.starts_after.length}{UNIT_ZH[deadline.starts_after.unit]}后{text}"
    if deadline.relation is Relation.AT_LEAST_BEFORE:
        text = f"提前≥{text}"
    elif deadline.relation is Relation.NOT_BEFORE:
        text = f"满{text}后"
    if deadline.obligor == "party":
        text = f"当事人{text}"
    if deadline.roll_to_working_day:
        text += "（遇节假日顺延）"
    if deadline.alternatives:
        text += f"（另有{len(deadline.alternatives)}种情形）"
    if deadline.extendable and deadline.extension is not None:
        text += f"，可延长{deadline.extension.length}{UNIT_ZH[deadline.extension.unit]}"
    return text


def _params(rule: Rule) -> str:
    return "，".join(f"{key}={_value(param)}" for key, param in rule.params.items())


def _value(param: Param) -> str:
    value = param.value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if param.unit is ParamUnit.FEN and isinstance(value, int):
        return f"{value / 100:g}元"
    if param.unit is ParamUnit.BASIS_POINT and isinstance(value, int):
        return f"{value / 100:g}%"
    if param.unit is not None:
        return f"{value}{PARAM_UNIT_ZH[param.unit]}"
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _table(rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell, counting CJK characters as two columns; the last is not padded."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in [*widths, _width(row[-1])]))
    return "\n".join(lines)
