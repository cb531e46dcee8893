"""``lawtrace rulebook check`` reports every problem with file, line and rule ID; ``show`` prints the rules as a table
aligned for Chinese text and marks unverified rules 未核实."""

from __future__ import annotations

import re
import unicodedata
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lawtrace.rulebook.loader import load

# A small self-contained rulebook with a prefix of its own (so REQUIREMENTS' ID list does not apply).
HEADER = """\
rulebook: {name}
title: 测试规则集
jurisdiction: 测试县
sources:
  TST: {{title: 测试办法, short: 《测试办法》, text_type: 原文}}
versions:
  - {{version: "1", effective_from: 2025-01-01, source: 测试}}
actions:
  sign_decision: 签发决定
record_kinds:
  av_record:
    name: 音像记录
    required_fields:
      ended_at: {{label: 结束时间, type: datetime}}
      stored_at: {{label: 存储时间, type: datetime}}
rules:
"""

GOOD_RULE = """\
  - id: TST-1
    kind: deadline
    title: 音像记录24小时内存储
    article: 《测试办法》第一条
    text_type: 原文
    text: 音像记录应当在24小时内存储。
    params:
      hours: {value: 24, unit: hour, bounds: {tighter: lower, min: 1, max: 24, article: 《测试办法》第一条}}
    deadline:
      trigger: {event: av_record.recorded, field: ended_at}
      length: $hours
      unit: hour
      satisfied_by: {event: av_record.stored, field: stored_at}
"""

BROKEN_RULES = """\
  - id: TST-2
    kind: gate
    article: 《测试办法》第二条
    text_type: 原文
    text: 缺少标题。
    gate: {before: sign_decision, condition: ok, message: 不得签发}
  - id: TST-3
    kind: deadline
    title: 单位写错
    article: 《测试办法》第三条
    text_type: 原文
    text: 两周内存储。
    deadline:
      trigger: {event: av_record.recorded, field: ended_at}
      length: 2
      unit: week
  - id: TST-1
    kind: option
    title: 编号重复
    article: 《测试办法》第四条
    text_type: 原文
    text: 可以。
    option: {name: maybe, label: 可选}
  - id: TST-5
    kind: deadline
    title: 时限规则没有时限
    article: 《测试办法》第五条
    text_type: 原文
    text: 应当及时。
"""


def write(folder: Path, name: str, rules: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(HEADER.format(name=name) + rules, encoding="utf-8")
    return path


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [number for number, line in enumerate(lines, start=1) if needle in line]
    return hits[occurrence - 1]


def run(*args: str) -> str:
    out = StringIO()
    call_command("rulebook", *args, stdout=out)
    return out.getvalue()


def reported(output: str) -> set[tuple[int, str]]:
    """(line, rule ID) of every ``file:line: RULE-ID: message`` line."""
    return {(int(m[1]), m[2]) for m in re.finditer(r"^.+\.yaml:(\d+): (\S+): .+$", output, re.MULTILINE)}


def test_check_reports_each_problem_with_its_line_and_rule_id_and_fails(tmp_path: Path) -> None:
    path = write(tmp_path, "broken", GOOD_RULE + BROKEN_RULES)
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("rulebook", "check", str(path), stdout=out)
    assert refused.value.returncode == 1
    output = out.getvalue()
    assert reported(output) == {
        (line_of(path, "- id: TST-2"), "TST-2"),  # missing field: the rule's line
        (line_of(path, "unit: week"), "TST-3"),  # wrong unit: the field's line
        (line_of(path, "- id: TST-1", occurrence=2), "TST-1"),  # duplicate ID: the second one
        (line_of(path, "- id: TST-5"), "TST-5"),  # deadline rule without a deadline
    }
    assert "缺少必填字段 title" in output
    assert "deadline.unit: 取值 'week' 无效" in output
    assert "规则编号重复" in output
    assert "kind: deadline 的规则缺少 deadline 块" in output
    assert all(str(path) in line for line in output.splitlines() if ".yaml:" in line)


def test_check_reports_yaml_syntax_errors_with_their_line(tmp_path: Path) -> None:
    path = write(tmp_path, "syntax", GOOD_RULE + "  - id: [TST-2\n")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("rulebook", "check", str(path), stdout=out)
    [(line, rule_id)] = reported(out.getvalue())
    assert line >= line_of(path, "- id: [TST-2") and rule_id == "-"
    assert "YAML" in out.getvalue()


def test_check_reports_unknown_references(tmp_path: Path) -> None:
    rules = GOOD_RULE.replace("av_record.stored, field: stored_at", "av_record.stored, field: no_such_field")
    rules = rules.replace("event: av_record.recorded", "event: complaint.recorded")
    path = write(tmp_path, "references", rules)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("rulebook", "check", str(path), stdout=out)
    output = out.getvalue()
    expected = {(line_of(path, "event: complaint.recorded"), "TST-1"), (line_of(path, "no_such_field"), "TST-1")}
    assert reported(output) == expected
    assert "未知的记录类型 complaint" in output and "没有字段 no_such_field" in output


def test_check_still_cross_checks_the_valid_rules_of_a_file_with_schema_errors(tmp_path: Path) -> None:
    rules = GOOD_RULE.replace("event: av_record.recorded", "event: complaint.recorded") + BROKEN_RULES
    path = write(tmp_path, "both", rules)
    out = StringIO()
    with pytest.raises(CommandError, match="5 处错误"):
        call_command("rulebook", "check", str(path), stdout=out)
    assert (line_of(path, "event: complaint.recorded"), "TST-1") in reported(out.getvalue())


def test_check_passes_clean_files(tmp_path: Path) -> None:
    path = write(tmp_path, "clean", GOOD_RULE)
    assert "检查通过：1 个文件" in run("check", str(path))
    assert "检查通过：3 个文件" in run("check")  # the shipped rulebooks


def test_show_prints_the_rules_of_a_rulebook_with_its_includes() -> None:
    output = run("show", "inner-mongolia-2025")
    lines = output.splitlines()
    imr22 = next(line for line in lines if line.startswith("IMR-22 "))
    assert "24小时" in imr22 and "原文" in imr22 and "未核实" not in imr22
    lead = next(line for line in lines if line.startswith("NHSA-LEAD "))
    assert "未核实" in lead and "摘要" in lead and "15个工作日" in lead
    assert any(line.startswith("APL-60 ") for line in lines)
    assert not any(line.startswith("WS-22 ") for line in lines)
    assert "版本 2025.1（2025-06-26起施行）" in output
    assert "共 97 条规则，其中未核实 10 条" in output


def test_show_aligns_columns_for_chinese_text() -> None:
    """Chinese characters take two columns: the title column starts at the same display column on every row."""
    rulebook = load("wenshang-2019")
    lines = run("show", "wenshang-2019").splitlines()
    header = next(line for line in lines if line.startswith("编号"))

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)

    starts = {width(header[: header.index("标题")])}
    for line in lines:
        if (rule_id := line.split(" ", 1)[0]) in rulebook:
            starts.add(width(line[: line.index(rulebook.rule(rule_id).title)]))
    assert len(starts) == 1


def test_show_filters_by_kind_and_version() -> None:
    output = run("show", "wenshang-2019", "--kind", "deadline", "--version", "2019.1")
    rows = [line.split()[0] for line in output.splitlines() if re.match(r"^[A-Z]+-", line)]
    assert "WS-22" in rows and "APL-60" in rows and "WS-24" not in rows
    with pytest.raises(CommandError, match=r"2030\.1"):
        run("show", "wenshang-2019", "--version", "2030.1")
    with pytest.raises(CommandError, match="no-such"):
        run("show", "no-such")


def test_list_names_the_shipped_rulebooks() -> None:
    output = run("list")
    assert "inner-mongolia-2025" in output and "wenshang-2019" in output and "基础规则集" in output


# -- national law is a floor: every parameter read and bounded (issue 14) ------------------------------------------

UNREAD_RULE = """\
  - id: TST-6
    kind: option
    title: 可以邀请见证人
    article: 《测试办法》第六条
    text_type: 原文
    text: 可以邀请一至二名见证人。
    params:
      max_witnesses: {value: 2, unit: person, bounds: {tighter: fixed, article: 《测试办法》第六条}}
    option: {name: witness, label: 邀请见证人}
"""


def _check_fails(path: Path) -> str:
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("rulebook", "check", str(path), stdout=out)
    assert refused.value.returncode == 1
    return out.getvalue()


def test_check_fails_on_a_parameter_no_code_reads_with_its_file_line_rule_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, "unread", GOOD_RULE + UNREAD_RULE)
    output = _check_fails(path)
    assert reported(output) == {(line_of(path, "max_witnesses:"), "TST-6")}
    assert f"{path}:{line_of(path, 'max_witnesses:')}: TST-6: 参数 max_witnesses 没有代码读取" in output


def test_check_passes_an_unread_parameter_marked_informational_with_its_reason(tmp_path: Path) -> None:
    marked = UNREAD_RULE.replace("}}\n", "}, informational: 尚无代码读取}\n", 1)
    path = write(tmp_path, "informational", GOOD_RULE + marked)
    assert "检查通过：1 个文件" in run("check", str(path))
    blank = UNREAD_RULE.replace("}}\n", '}, informational: " "}\n', 1)
    output = _check_fails(write(tmp_path, "blank", GOOD_RULE + blank))
    assert "informational 须写明理由" in output


def test_check_fails_on_a_parameter_marked_informational_that_a_block_reads(tmp_path: Path) -> None:
    rules = GOOD_RULE.replace("article: 《测试办法》第一条}}", "article: 《测试办法》第一条}, informational: 不用}")
    path = write(tmp_path, "read", rules)
    output = _check_fails(path)
    assert reported(output) == {(line_of(path, "hours: {value"), "TST-1")}
    assert "有代码读取，不应标为 informational" in output


def test_check_fails_on_a_parameter_without_legal_bounds(tmp_path: Path) -> None:
    rules = GOOD_RULE.replace(", bounds: {tighter: lower, min: 1, max: 24, article: 《测试办法》第一条}", "")
    path = write(tmp_path, "unbounded", rules)
    output = _check_fails(path)
    assert reported(output) == {(line_of(path, "hours: {value"), "TST-1")}
    assert "参数 hours 未声明法定界限 bounds" in output


def test_check_fails_on_a_value_or_a_later_version_beyond_the_bounds_citing_the_article(tmp_path: Path) -> None:
    too_long = GOOD_RULE.replace("value: 24,", "value: 36,")
    output = _check_fails(write(tmp_path, "too-long", too_long))
    assert "不得高于24小时（拟改为36小时）（《测试办法》第一条）" in output
    later = '  - {version: "2", effective_from: 2026-01-01, source: 测试, overrides: {TST-1: {params: {hours: 48}}}}\n'
    header = HEADER.format(name="later").replace("source: 测试}\n", "source: 测试}\n" + later, 1)
    path = tmp_path / "later.yaml"
    path.write_text(header + GOOD_RULE, encoding="utf-8")
    output = _check_fails(path)
    assert reported(output) == {(line_of(path, "overrides: {TST-1"), "TST-1")}
    assert "超出法定界限" in output and "不得高于24小时（拟改为48小时）" in output
