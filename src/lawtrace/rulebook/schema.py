"""What a rulebook file (规则集, YAML) may say — pydantic models, strict (``extra="forbid"``) and frozen.

A rulebook is one jurisdiction's rules as data (DESIGN.md, principle 2). The code knows how to evaluate *kinds* of
rules; the file says which rules apply, citing their articles, with what numbers::

    rulebook: inner-mongolia-2025            # = the file's stem
    title: 内蒙古自治区医疗保障行政执法信息公示制度和全过程记录制度
    jurisdiction: 内蒙古自治区
    includes: [prc-apl-2021]                 # the national base: its rules and vocabularies are merged in
    sources: {IMR: {title: …, short: 《全过程记录制度》, text_type: 原文}}   # rule-ID prefix → document cited
    versions:                                # a case is judged by the version in force when it was opened
      - {version: "2025.1", effective_from: 2025-06-26, source: …}
      - {version: "2026.1", effective_from: 2026-07-01, source: …, overrides: {IMR-22: {params: {hours: 48}}}}
    actions: {open_case: 立案, …}            # vocabularies, machine name → Chinese (the base defines most)
    acts: {sealing: 封存（行政强制措施）, …}
    record_kinds: {inquiry_transcript: {name: 询问（调查）笔录, required_fields: {…}}, …}
    service_modes: {postal: {extend: true, required_fields: {return_receipt: 邮寄回执}}, …}
    rules:
      - id: IMR-22
        kind: deadline
        title: 音像记录24小时内存储
        article: 《全过程记录制度》第二十二条
        text_type: 原文                      # 原文 only for the two seed documents; national law is 摘要
        text: 音像记录制作完成后，应当在24小时内将音像记录资料存储至执法信息系统或者本单位专用存储器，不得自行保管。
        params: {hours: {value: 24, label: 存储时限, unit: hour}}
        deadline:
          trigger: {event: av_record.recorded, field: ended_at}
          length: $hours                     # a number taken from params, so a new version changes it in one place
          unit: hour
          satisfied_by: {event: av_record.stored, field: stored_at}

Numbers an administrator may change are ``params`` (money in fen, rates in basis points — never floats, as in the
ledger); a block field written ``$name`` takes the value of ``params.name`` and follows it through version overrides.
Every block has a Chinese name for display in :data:`KIND_ZH` and friends. Errors raised here read
``中文说明 / English explanation``.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from lawtrace.rulebook.calendar import Unit

RULE_ID_RE = re.compile(r"[A-Z]+-[0-9A-Z]+(\.[0-9]+)?[a-z]?")  # as REQUIREMENTS.md writes them (tools/rule-ids)
_REF_RE = re.compile(r"\$([a-z][a-z0-9_]*)")

RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Z]+-[0-9A-Z]+(\.[0-9]+)?[a-z]?$")]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]  # machine names: snake_case English
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]  # rulebook names
EventName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")]
Prefix = Annotated[str, StringConstraints(pattern=r"^[A-Z]+$")]
Text = Annotated[str, StringConstraints(min_length=1)]
VersionLabel = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,19}$")]  # fits Case


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- closed vocabularies the code knows ----------------------------------------------------------------------------


class RuleKind(StrEnum):
    RECORD = "record"  # a record that must exist, with its required fields (REQUIREMENTS: REC)
    DEADLINE = "deadline"  # DL
    GATE = "gate"  # something that must hold before an action (GATE)
    AV = "av"  # an audio/video requirement (AV)
    ACCESS = "access"  # access and confidentiality (ACL)
    DISCLOSURE = "disclosure"  # public disclosure (PUB)
    ARCHIVING = "archiving"  # ARC
    SCOPE = "scope"  # rulebook metadata: applicability, versions, precedence
    PRINCIPLE = "principle"  # rulebook metadata: principles the whole system serves
    CHECKLIST = "checklist"  # no code can judge it: a person confirms it (ledgered)
    OPTION = "option"  # a "may" rule: the option exists and records what it must when used


KIND_ZH = {
    RuleKind.RECORD: "记录",
    RuleKind.DEADLINE: "时限",
    RuleKind.GATE: "前置条件",
    RuleKind.AV: "音像记录",
    RuleKind.ACCESS: "查阅与保密",
    RuleKind.DISCLOSURE: "公示",
    RuleKind.ARCHIVING: "归档",
    RuleKind.SCOPE: "适用范围",
    RuleKind.PRINCIPLE: "原则",
    RuleKind.CHECKLIST: "人工核对",
    RuleKind.OPTION: "可选事项",
}

# The block(s) a rule of each kind must carry (any rule may carry other blocks too: APL-56 is a gate with a deadline).
KIND_BLOCKS: dict[RuleKind, tuple[str, ...]] = {
    RuleKind.RECORD: ("record",),
    RuleKind.DEADLINE: ("deadline", "accrual", "pause", "extension", "time_units"),
    RuleKind.GATE: ("gate",),
    RuleKind.AV: ("av",),
    RuleKind.ACCESS: ("access",),
    RuleKind.DISCLOSURE: ("disclosure",),
    RuleKind.ARCHIVING: ("archiving",),
    RuleKind.SCOPE: ("scope",),
    RuleKind.PRINCIPLE: (),
    RuleKind.CHECKLIST: ("checklist",),
    RuleKind.OPTION: ("option",),
}


class TextType(StrEnum):
    ORIGINAL = "原文"  # quoted verbatim from the source document
    SUMMARY = "摘要"  # a summary with the article number (national laws: check the official text before quoting)


class Phase(StrEnum):
    GENERAL = "general"
    OPENING = "opening"
    INVESTIGATION = "investigation"
    DECISION = "decision"
    EXECUTION = "execution"
    MANAGEMENT = "management"
    DISCLOSURE = "disclosure"


PHASE_ZH = {
    Phase.GENERAL: "总则",
    Phase.OPENING: "程序启动",
    Phase.INVESTIGATION: "调查取证",
    Phase.DECISION: "审查决定",
    Phase.EXECUTION: "送达执行",
    Phase.MANAGEMENT: "记录管理",
    Phase.DISCLOSURE: "信息公示",
}


class CaseType(StrEnum):  # the values of lawtrace.cases.models.CaseType
    INSPECTION = "inspection"
    PENALTY = "penalty"
    COERCION = "coercion"
    BENEFIT = "benefit"
    AUDIT = "audit"
    AGREEMENT = "agreement"


class Procedure(StrEnum):
    GENERAL = "general"  # 一般程序
    SUMMARY = "summary"  # 简易程序


class OrgKind(StrEnum):  # lawtrace.orgs.models.OrgKind, plus organisations authorised by law (WS-2)
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    AGENCY = "agency"
    ENTRUSTED = "entrusted"
    AUTHORISED = "authorised"


class Role(StrEnum):
    OFFICER = "officer"
    UNIT_HEAD = "unit_head"
    LEGAL_REVIEWER = "legal_reviewer"
    BUREAU_HEAD = "bureau_head"
    ARCHIVIST = "archivist"
    SUPERVISOR = "supervisor"
    PUBLISHER = "publisher"
    ADMINISTRATOR = "administrator"
    PARTY = "party"
    PUBLIC = "public"


class Approval(StrEnum):
    BUREAU_HEAD = "bureau_head"  # 行政机关负责人批准
    UNIT_HEAD = "unit_head"  # 承办机构负责人
    COLLECTIVE_DISCUSSION = "collective_discussion"  # 负责人集体讨论决定


class Relation(StrEnum):
    WITHIN = "within"  # satisfied_by at or before the due time
    NOT_BEFORE = "not_before"  # a waiting period: satisfied_by not before the period has run (CEL-54)
    AT_LEAST_BEFORE = "at_least_before"  # satisfied_by at least `length` before the trigger, counted back (APL-64)


class AVRequirement(StrEnum):
    REQUIRED = "required"
    DEFAULT = "default"  # recorded unless the written record fully records the act, and then the reason is noted
    OPTIONAL = "optional"
    NONE = "none"


class Medium(StrEnum):
    PHOTO = "photo"
    AUDIO = "audio"
    VIDEO = "video"


class FieldType(StrEnum):
    TEXT = "text"
    LONGTEXT = "longtext"
    DATE = "date"
    DATETIME = "datetime"
    INTEGER = "integer"
    MONEY = "money"  # fen, integer
    BOOLEAN = "boolean"
    CHOICE = "choice"
    PERSON = "person"  # a user of the system (officer, head…)
    PARTY = "party"  # a party to the case
    SIGNATURE = "signature"  # a signature or seal, or the noted refusal
    ATTACHMENT = "attachment"  # a scanned document or file
    EVIDENCE = "evidence"  # an audio/video evidence file (content-addressed)
    RECORD = "record"  # another record of the case (``ref`` names its kind)


TIME_FIELD_TYPES = frozenset({FieldType.DATE, FieldType.DATETIME})


class Retention(StrEnum):
    PERMANENT = "permanent"  # 永久
    PER_ARCHIVE_LAW = "per_archive_law"  # 依照档案管理法律法规
    SAME_AS_CASE_FILE = "same_as_case_file"  # 与卷宗相同
    SET_BY_LAW = "set_by_law"  # 法律、法规、规章有特殊规定的，从其规定


class DisclosureStage(StrEnum):
    BEFORE = "before"  # 事前公开
    DURING = "during"  # 事中公示
    AFTER = "after"  # 事后公示
    STATISTICS = "statistics"  # 年度数据
    CORRECTION = "correction"  # 更正、撤回
    RESPONSE = "response"  # 舆情回应
    MANAGEMENT = "management"  # 谁执法谁公示、保密审查等


class ParamUnit(StrEnum):
    FEN = "fen"
    HOUR = "hour"
    WORKING_DAY = "working_day"
    CALENDAR_DAY = "calendar_day"
    MONTH = "month"
    YEAR = "year"
    BASIS_POINT = "basis_point"
    PERSON = "person"
    COUNT = "count"


PARAM_UNIT_ZH = {
    ParamUnit.FEN: "分",
    ParamUnit.HOUR: "小时",
    ParamUnit.WORKING_DAY: "个工作日",
    ParamUnit.CALENDAR_DAY: "日",
    ParamUnit.MONTH: "个月",
    ParamUnit.YEAR: "年",
    ParamUnit.BASIS_POINT: "基点",
    ParamUnit.PERSON: "人",
    ParamUnit.COUNT: "次",
}

UNIT_ZH = {
    Unit.HOUR: "小时",
    Unit.WORKING_DAY: "个工作日",
    Unit.CALENDAR_DAY: "日",
    Unit.MONTH: "个月",
    Unit.FIXED_DATE: "固定日期",
}

# What happened to a record, as the second half of an event name (``av_record.stored``).
EVENT_VERBS = {
    "registered": "登记",
    "received": "收到",
    "submitted": "提交",
    "approved": "批准",
    "rejected": "不予批准",
    "issued": "作出",
    "signed": "签发",
    "served": "送达",
    "recorded": "记录",
    "stored": "存储",
    "held": "举行",
    "applied": "申请",
    "decided": "决定",
    "paid": "缴纳",
    "collected": "收缴",
    "handed_over": "上交",
    "lifted": "解除",
    "published": "公开",
    "updated": "更新",
    "removed": "撤下",
    "withdrawn": "撤回",
    "changed": "变更",
    "handled": "处理",
    "reported": "报告",
    "referred": "移送",
    "archived": "归档",
    "completed": "完成",
    "started": "启动",
    "opened": "立案",
    "closed": "结案",
    "notified": "告知",
}


# -- parameters ----------------------------------------------------------------------------------------------------


def _check_param_value(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError("参数不得使用小数：金额以分、比例以基点计 / no floats: money in fen, rates in basis points")
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    if isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return value
    raise ValueError(
        "参数值应为整数、布尔值、字符串，或整数/字符串列表 / a parameter is an int, bool, str or a list of ints or strs"
    )


class Tighter(StrEnum):
    """Which way a parameter's value is stricter. National law is a floor: an organisation's provision (IMR-26 /
    IMD-13) or a later version may tighten a parameter, never loosen it past its :class:`Bounds`."""

    HIGHER = "higher"  # a minimum that may rise (APL-42: ≥ 2 officers), a party's period that may lengthen (APL-64)
    LOWER = "lower"  # the authority's own period that may shorten (APL-60: ≤ 90 days), a ceiling that may fall
    FIXED = "fixed"  # fixed by law: no organisation changes it (APL-72: 3 % a day)
    EITHER = "either"  # the law leaves the value to others (较大数额 by the province; a local rule IMR-26 lets yield)


TIGHTER_ZH = {
    Tighter.HIGHER: "调高为从严",
    Tighter.LOWER: "调低为从严",
    Tighter.FIXED: "法定，不能调整",
    Tighter.EITHER: "无从严方向，由有权机关规定",
}


class Bounds(Strict):
    """A parameter's legal bounds and the article that sets them (cited when an override is refused).

    ``tighter`` is the direction that is stricter; the bounds are what the law fixes, and only that. Integers:
    ``min``/``max`` inclusive — the law's floor of a ``higher`` parameter (APL-42: ``min: 2``), the law's ceiling of
    a ``lower`` one (APL-60: ``max: 90``), and ``min: 1`` where only a positive value makes sense; a local rule that
    a people's government's provision may displace (IMR-26) has a direction but no ceiling. Lists: ``higher`` keeps
    every item of ``law_value`` (items may be added: more penalties with a hearing right), ``lower`` allows only
    items of it (items may be dropped), ``either`` allows only ``items`` when
    given. Booleans: ``higher`` — true is stricter and a true ``law_value`` stays true; ``lower`` the reverse.
    ``fixed``: only ``law_value``. ``law_value`` is the value the rulebook writes, filled in by :class:`Param`.
    """

    tighter: Tighter
    article: Text  # e.g. 《中华人民共和国行政处罚法》第四十二条
    rule: RuleId | None = None  # the rule the refusal cites, when not the parameter's own
    min: int | None = None
    max: int | None = None
    items: list[str] | None = None  # the values a text parameter (or an ``either`` list's items) may take
    law_value: Any = None
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Bounds:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("bounds: min 不得大于 max / min above max")
        return self


class Param(Strict):
    """A number (or flag, or list) an administrator may change; ``{value, label, unit, bounds}`` or just the value.

    ``bounds`` says how far the law lets it move (every shipped parameter declares them; ``lawtrace rulebook check``
    reports one that does not). ``informational`` marks a parameter no code reads, with the reason it is kept —
    otherwise the check requires code to read it (:mod:`lawtrace.rulebook.readers`).
    """

    value: Any
    label: str | None = None
    unit: ParamUnit | None = None
    bounds: Bounds | None = None
    informational: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return {"value": data}
        bounds = data.get("bounds")
        if isinstance(bounds, dict) and bounds.get("law_value") is None:  # the law's value: as the file writes it
            data = {**data, "bounds": {**bounds, "law_value": data.get("value")}}
        return data

    @field_validator("value")
    @classmethod
    def _json_like(cls, value: Any) -> Any:
        return _check_param_value(value)

    @field_validator("informational")
    @classmethod
    def _reason_given(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("informational 须写明理由 / say why the parameter is kept")
        return value

    @model_validator(mode="after")
    def _bounds_fit_the_type(self) -> Param:
        bounds, value = self.bounds, self.value
        if bounds is None:
            return self
        number = isinstance(value, int) and not isinstance(value, bool)
        if (bounds.min is not None or bounds.max is not None) and not number:
            raise ValueError("bounds: min/max 只用于整数参数 / min and max bound integers only")
        if bounds.items is not None and not isinstance(value, str | list):
            raise ValueError("bounds: items 只用于文本或列表参数 / items bound text or list parameters only")
        return self


# -- vocabularies defined in the files -----------------------------------------------------------------------------


class FieldSpec(Strict):
    """A field of a record kind: ``label`` (Chinese), ``type``; a plain string is a text field's label."""

    label: Text
    type: FieldType = FieldType.TEXT
    choices: dict[Name, str] | None = None
    ref: Name | None = None  # type record: the record kind referred to
    many: bool = False
    help: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"label": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if (self.type is FieldType.CHOICE) != bool(self.choices):
            raise ValueError("choices 只用于且必须用于 type: choice / choices go with type: choice, and only there")
        if (self.type is FieldType.RECORD) != (self.ref is not None):
            raise ValueError("ref 只用于且必须用于 type: record / ref goes with type: record, and only there")
        return self


class _Fields(Strict):
    required_fields: dict[Name, FieldSpec] = {}
    optional_fields: dict[Name, FieldSpec] = {}

    @model_validator(mode="after")
    def _disjoint(self) -> _Fields:
        both = sorted(set(self.required_fields) & set(self.optional_fields))
        if both:
            raise ValueError(f"字段既是必填又是选填：{'、'.join(both)} / fields both required and optional: {both}")
        return self

    @property
    def fields(self) -> dict[str, FieldSpec]:
        return {**self.required_fields, **self.optional_fields}


class RecordKind(_Fields):
    """A kind of record (笔录、文书、登记…) and its fields, from which the records app builds its forms.

    ``extend: true`` adds fields to (or makes optional fields required in) a kind defined by an included rulebook.
    """

    name: str | None = None
    phase: Phase | None = None
    extend: bool = False
    note: str | None = None
    # 文号 given by the system when the document is signed, gap-free per organisation, kind and year (APL-59):
    # ``{简称}`` the organisation's short name, ``{年}`` the year, ``{n}`` the serial — e.g. ``{简称}罚〔{年}〕{n}号``.
    numbering: str | None = None

    @model_validator(mode="after")
    def _named(self) -> RecordKind:
        if not self.extend and not self.name:
            raise ValueError("记录类型缺少中文名称 name / a record kind needs its Chinese name (unless extend: true)")
        return self

    @model_validator(mode="after")
    def _numbering(self) -> RecordKind:
        if self.numbering is None:
            return self
        if "{n}" not in self.numbering or "{年}" not in self.numbering:
            raise ValueError("numbering 须含 {n} 和 {年} / numbering needs {n} and {年}")
        if "document_number" in self.required_fields:
            raise ValueError("自动编号的文号 document_number 不能是必填项 / a numbered document_number is optional")
        try:
            self.numbering.format_map({"简称": "", "年": 2026, "n": 1})
        except (KeyError, ValueError) as e:
            raise ValueError(f"numbering 只能用 {{简称}}、{{年}}、{{n}} / unknown placeholder: {e}") from e
        return self


class ServiceMode(_Fields):
    """A way of serving a document (送达方式) with what its record must hold, per jurisdiction (WS-17, IMR-17)."""

    name: str | None = None
    extend: bool = False
    witness_required: bool | None = None
    av: AVRequirement | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _named(self) -> ServiceMode:
        if not self.extend and not self.name:
            raise ValueError("送达方式缺少中文名称 name / a service mode needs its Chinese name (unless extend: true)")
        return self


class Source(Strict):
    """A document rules cite, by the prefix of their IDs (``APL`` → 《中华人民共和国行政处罚法》)."""

    title: Text
    short: Text
    document: str | None = None  # 文号
    effective_from: date | None = None
    text_type: TextType  # 摘要: rules citing it may only summarise; 原文: they may quote
    note: str | None = None


# -- rule blocks ---------------------------------------------------------------------------------------------------


class EventRef(Strict):
    """``<record kind>.<verb>`` and the record's time field it is read from (default: when the action was taken)."""

    event: EventName
    field: Name | None = None

    @field_validator("event")
    @classmethod
    def _known_verb(cls, value: str) -> str:
        verb = value.split(".", 1)[1]
        if verb not in EVENT_VERBS:
            raise ValueError(f"未知的事件动词 {verb}，可用：{', '.join(EVENT_VERBS)} / unknown event verb {verb!r}")
        return value

    @property
    def record_kind(self) -> str:
        return self.event.split(".", 1)[0]

    @property
    def verb(self) -> str:
        return self.event.split(".", 1)[1]


class Offset(Strict):
    """A period that runs first; the deadline counts from its end (CEL-53: 6 months to sue, then 3 months)."""

    length: int = Field(ge=1)
    unit: Unit


class FixedDate(Strict):
    """A fixed date that never moves: ``year_offset`` years after the reference year (IMD-7.2: 1 → next 31 January)."""

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    year_offset: int = Field(default=1, ge=0)

    @model_validator(mode="after")
    def _real_date(self) -> FixedDate:
        try:
            date(2001, self.month, self.day)
        except ValueError:
            raise ValueError(f"不存在的日期：{self.month}月{self.day}日 / no such date") from None
        return self


class Extension(Strict):
    """How a period may be extended: by how much, how often, with whose approval (CEL-25, NHSA-LEAD, NHSA-EXT).

    As a rule's top-level block, ``applies_to`` names the rules whose deadlines it extends (NHSA-EXT → APL-60).
    """

    applies_to: list[RuleId] = []
    length: int = Field(ge=1)
    unit: Unit
    max_extensions: int | None = Field(default=1, ge=1)  # by ``approval``; None: no limit
    approval: Approval
    further_approval: Approval | None = None  # beyond max_extensions (NHSA-EXT: collective discussion)
    notice_to_party: bool = False
    reason_required: bool = True

    @field_validator("unit")
    @classmethod
    def _day_units(cls, unit: Unit) -> Unit:
        if unit not in (Unit.WORKING_DAY, Unit.CALENDAR_DAY):
            raise ValueError("延长期限按工作日或自然日计 / extensions count working or calendar days")
        return unit


class Alternative(Strict):
    """A variant of a deadline that applies under a condition (IMR-22: 24 h after the officer's return).

    What it gives replaces the deadline's; ``length``, ``unit`` and ``roll_to_working_day`` are inherited when not
    given, ``starts_after`` is not (CEL-53 after a deferral counts from the deferral's end, without the 6 months).
    """

    condition: Name
    label: Text
    trigger: EventRef | None = None
    length: int | None = Field(default=None, ge=0)
    unit: Unit | None = None
    roll_to_working_day: bool | None = None
    starts_after: Offset | None = None
    cite: RuleId | None = None  # the rule that makes the variant (IMD-11 → APL-48)


class Deadline(Strict):
    """A period from ``trigger`` within which ``satisfied_by`` must happen (or, per ``relation``, not before/at least
    before). Units follow REQUIREMENTS "Units of time" and are computed by :mod:`lawtrace.rulebook.calendar`.
    """

    name: Name | None = None
    label: str | None = None
    condition: Name | None = None  # applies only when this holds (e.g. urgent)
    trigger: EventRef | None = None
    length: int | None = Field(default=None, ge=0)
    unit: Unit | None = None
    prompt: bool = False  # "及时" with no number: shown, never overdue by itself
    relation: Relation = Relation.WITHIN
    obligor: Literal["authority", "party"] = "authority"  # party: the party's period — a right lapses, nobody is late
    roll_to_working_day: bool = False
    starts_after: Offset | None = None
    satisfied_by: EventRef | None = None
    alternatives: list[Alternative] = []
    pausable: bool = False  # excluded periods (pause blocks naming this rule) are not counted
    extendable: bool = False
    extension: Extension | None = None  # inline; or another rule's extension block names this rule
    waivable: bool = False
    fixed: FixedDate | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Deadline:
        if self.prompt:
            if self.length is not None or self.unit is not None or self.fixed is not None:
                raise ValueError("prompt（及时）时限不设 length/unit/fixed / a prompt deadline has no length or unit")
        elif self.unit is None:
            raise ValueError("时限缺少单位 unit / a deadline needs its unit")
        elif self.unit is Unit.FIXED_DATE:
            if self.fixed is None or self.length is not None:
                raise ValueError("unit: fixed_date 须写 fixed 而不写 length / fixed_date needs fixed, not length")
        else:
            if self.length is None or self.fixed is not None:
                raise ValueError(f"unit: {self.unit} 须写 length 而不写 fixed / {self.unit} needs length, not fixed")
        if self.trigger is None and self.unit is not Unit.FIXED_DATE:
            raise ValueError("时限缺少起算事件 trigger / a deadline needs its trigger")
        if self.roll_to_working_day and self.unit not in (Unit.CALENDAR_DAY, Unit.MONTH):
            raise ValueError("只有按日历日或月计算的期限才可能顺延至工作日 / only calendar-day or month periods roll")
        if self.extension is not None and not self.extendable:
            raise ValueError("写了 extension 须同时写 extendable: true / extension given but extendable is false")
        if self.relation is Relation.AT_LEAST_BEFORE and self.unit not in (Unit.WORKING_DAY, Unit.CALENDAR_DAY):
            raise ValueError("倒算期限按工作日或自然日计 / counting back works in working or calendar days")
        return self


class Gate(Strict):
    """Something that must hold before an action; the service refuses with ``message`` and the rule's ID."""

    name: Name | None = None
    label: str | None = None
    before: Name  # an action (the base file's ``actions``)
    condition: Name  # the check's machine name, evaluated by the compliance code
    message: Text
    unless: list[Name] = []
    approval: Approval | None = None


class RecordRequirement(Strict):
    """A record that must exist (of ``kind``), with the fields this rule requires (empty: the kind's required)."""

    kind: Name
    name: str | None = None
    required_fields: list[Name] = []
    act: Name | None = None  # the act it records (``acts``)
    condition: Name | None = None
    when: str | None = None  # the condition as the article says it
    service_mode: Name | None = None
    alternatives: list[Name] = []  # record kinds that may hold it instead (WS-14: told in a transcript)


class AV(Strict):
    requirement: AVRequirement
    acts: list[Name] = []  # empty: all acts
    media: list[Medium] = []
    continuous: bool = False  # from arrival at the scene until leaving (IMR-13)
    condition: Name | None = None
    must_show: list[str] = []
    announce: list[str] = []  # stated aloud while recording (IMR-12)
    notify_party: bool = False  # the party is told first (IMR-11)
    omission_reason_required: bool = False
    on_interruption: list[str] = []


class Access(Strict):
    who: Role
    approval: Approval | None = None
    scope: Literal["own_case", "organisation", "organisation_subtree"] | None = None
    logged: bool = True
    realtime: bool = False
    time_limited: bool = False
    protected: list[str] = []  # categories kept confidential
    mark_at_archiving: bool = False


class Disclosure(Strict):
    stage: DisclosureStage
    items: list[str] = []
    channels: list[str] = []
    redaction: bool = False
    never_publish: list[str] = []
    approval: Approval | None = None


class Outcome(StrEnum):
    """How a case ended, as the case file's required documents depend on it (NHSA-ONECASE)."""

    PENALTY = "penalty"  # a penalty decision was made (一般程序 or 当场)
    NO_PENALTY = "no_penalty"  # closed without a penalty decision (不予处罚、移送…)
    TERMINATED = "terminated"  # 终止调查


class FileDocument(Strict):
    """A document the closed case's file must hold: one of ``kinds`` (alternatives), for the procedures and
    outcomes named (none named: every one)."""

    kinds: list[Name] = Field(min_length=1)
    procedures: list[Procedure] = []
    outcomes: list[Outcome] = []


class Archiving(Strict):
    retention: Retention
    custodian_required: bool = False
    ledger: bool = False  # 执法台账
    medium: str | None = None
    one_case_one_file: bool = False
    order: list[Name] = []  # record kinds in the case file's order
    required: list[FileDocument] = []  # what a closed case's file must hold (NHSA-ONECASE)
    table_of_contents: bool = False
    page_numbers: bool = False
    confidential_marking: bool = False


class Scope(Strict):
    case_types: list[CaseType] = []
    org_kinds: list[OrgKind] = []
    region: str | None = None
    yields_to: list[str] = []
    effective_from: date | None = None
    interpreted_by: str | None = None

    @model_validator(mode="after")
    def _both_or_neither(self) -> Scope:
        """A scope that says who is bound says for which case types, and the reverse: registration is checked
        against the pairs (WS-2, WS-25, IMR-2, IMR-27)."""
        if bool(self.case_types) != bool(self.org_kinds):
            raise ValueError("case_types 与 org_kinds 须同时填写 / case_types and org_kinds go together")
        return self


class Checklist(Strict):
    items: list[Text] = Field(min_length=1)
    confirm_by: Role
    per: Literal["case", "record", "organisation", "disclosure_item"]


class Option(Strict):
    name: Name
    label: Text
    records: list[str] = []  # what it must record when used


class Accrual(Strict):
    """An amount that grows per day once a period has run (APL-72: 3% of the fine a day, never above the fine)."""

    rate_bp_per_day: int = Field(ge=1)
    cap: Literal["principal"]
    from_rule: RuleId  # accrues from the end of that rule's deadline
    paused_by: list[Name] = []


class Pause(Strict):
    """Excluded periods (不计入期限): whole days with start, end and reason; never overlapping (NHSA-TOLL)."""

    reasons: dict[Name, str] = Field(min_length=1)
    applies_to: list[RuleId] = Field(min_length=1)
    approval: Approval | None = None
    record: Name | None = None
    notice_to_party: bool = False


class TimeUnits(Strict):
    """Which lengths of a law's periods are working days (APL-85: 2, 3, 5, 7; CEL-69: 10 or less)."""

    prefixes: list[Prefix] = Field(min_length=1)
    lengths: list[int] = []
    max_length: int | None = None
    unit: Unit = Unit.WORKING_DAY

    def requires_working_days(self, length: int) -> bool:
        return length in self.lengths or (self.max_length is not None and length <= self.max_length)


# -- rules ---------------------------------------------------------------------------------------------------------

_NOT_REFS = frozenset({"params", "param_refs", "text", "title", "note", "article", "unverified_note", "id"})


def _find_refs(value: Any, path: str, found: dict[str, str]) -> None:
    if isinstance(value, str):
        if match := _REF_RE.fullmatch(value):
            found[path] = match.group(1)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not path and key in _NOT_REFS:
                continue
            _find_refs(item, f"{path}.{key}" if path else str(key), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _find_refs(item, f"{path}.{index}", found)


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node: Any = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


class Rule(Strict):
    id: RuleId
    kind: RuleKind
    title: Text
    phase: Phase = Phase.GENERAL
    article: Text  # e.g. 《中华人民共和国行政处罚法》第六十条 / 《全过程记录制度》第二十二条第二款
    text_type: TextType
    text: Text
    note: str | None = None
    unverified: bool = False
    unverified_note: str | None = None  # what an administrator must confirm
    applies_to: list[CaseType] = []  # empty: every case type
    procedures: list[Procedure] = []  # empty: both
    related: list[RuleId] = []
    params: dict[Name, Param] = {}
    param_refs: dict[str, Name] = {}  # block field path → param (filled from ``$name`` values)
    record: RecordRequirement | None = None
    additional_records: list[RecordRequirement] = []
    deadline: Deadline | None = None
    additional_deadlines: list[Deadline] = []
    gate: Gate | None = None
    additional_gates: list[Gate] = []
    av: AV | None = None
    access: Access | None = None
    disclosure: Disclosure | None = None
    archiving: Archiving | None = None
    scope: Scope | None = None
    checklist: Checklist | None = None
    option: Option | None = None
    accrual: Accrual | None = None
    pause: Pause | None = None
    extension: Extension | None = None
    time_units: TimeUnits | None = None

    @model_validator(mode="before")
    @classmethod
    def _resolve_param_refs(cls, data: Any) -> Any:
        """Replace ``$name`` in blocks by ``params.name``'s value, remembering where (``param_refs``)."""
        if not isinstance(data, dict):
            return data
        found: dict[str, str] = {}
        _find_refs(data, "", found)
        refs = {**(data.get("param_refs") or {}), **found}
        if not refs:
            return data
        params = data.get("params") or {}
        data = {**copy.deepcopy(data), "param_refs": refs}  # never the caller's dict: a second parse sees `$name`
        for path, name in refs.items():
            if name not in params:
                raise ValueError(f"{path}: 引用了不存在的参数 ${name} / refers to a missing parameter ${name}")
            param = params[name]
            value = (
                param.value if isinstance(param, Param) else param.get("value") if isinstance(param, dict) else param
            )
            try:
                _set_path(data, path, value)
            except (KeyError, IndexError, ValueError, TypeError):
                raise ValueError(f"param_refs 路径无效：{path} / invalid parameter path") from None
        return data

    @model_validator(mode="after")
    def _blocks(self) -> Rule:
        needed = KIND_BLOCKS[self.kind]
        if needed and all(getattr(self, block) is None for block in needed):
            blocks = " / ".join(needed)
            raise ValueError(
                f"kind: {self.kind} 的规则缺少 {needed[0]} 块"
                + (f"（或 {' / '.join(needed[1:])}）" if len(needed) > 1 else "")
                + f" / a rule of kind {self.kind} needs a block: {blocks}"
            )
        for primary in ("record", "deadline", "gate"):
            if getattr(self, f"additional_{primary}s") and getattr(self, primary) is None:
                raise ValueError(f"有 additional_{primary}s 而无 {primary} / additional_{primary}s without {primary}")
        if self.unverified and not self.unverified_note:
            raise ValueError("未核实的规则须写 unverified_note，说明待核实之处 / say what is unverified")
        return self

    @property
    def prefix(self) -> str:
        return self.id.split("-", 1)[0]

    @property
    def records(self) -> list[RecordRequirement]:
        return ([self.record] if self.record else []) + list(self.additional_records)

    @property
    def deadlines(self) -> list[Deadline]:
        return ([self.deadline] if self.deadline else []) + list(self.additional_deadlines)

    @property
    def gates(self) -> list[Gate]:
        return ([self.gate] if self.gate else []) + list(self.additional_gates)

    def param(self, key: str) -> Any:
        try:
            return self.params[key].value
        except KeyError:
            raise KeyError(f"规则 {self.id} 没有参数 {key} / rule {self.id} has no parameter {key!r}") from None

    def with_overrides(self, override: Override) -> Rule:
        """This rule with a version's overrides applied: parameters (and what refers to them), flags, note."""
        data = self.model_dump(exclude_none=True)
        for key, value in override.params.items():
            data["params"][key]["value"] = value
        for name in ("unverified", "unverified_note", "note"):
            if getattr(override, name) is not None:
                data[name] = getattr(override, name)
        if not data.get("unverified"):
            data.pop("unverified_note", None)
        return Rule.model_validate(data)


# -- versions and the file -----------------------------------------------------------------------------------------


class Override(Strict):
    """What a later version (or an organisation's overlay) may change in a rule: its numbers and flags."""

    params: dict[Name, Any] = {}
    unverified: bool | None = None
    unverified_note: str | None = None
    note: str | None = None

    @field_validator("params")
    @classmethod
    def _json_like(cls, params: dict[str, Any]) -> dict[str, Any]:
        for value in params.values():
            _check_param_value(value)
        return params


class RulebookVersion(Strict):
    rulebook: Slug | None = None  # filled in by the loader
    version: VersionLabel
    effective_from: date
    source: Text
    note: str | None = None
    overrides: dict[RuleId, Override] = {}

    @property
    def name(self) -> str:
        return self.rulebook or ""


class RulebookFile(Strict):
    rulebook: Slug
    title: Text
    jurisdiction: Text
    selectable: bool = True  # an organisation may choose it (the national base is only included)
    includes: list[Slug] = []
    sources: dict[Prefix, Source] = Field(min_length=1)
    versions: list[RulebookVersion] = Field(min_length=1)
    actions: dict[Name, str] = {}
    acts: dict[Name, str] = {}
    record_kinds: dict[Name, RecordKind] = {}
    service_modes: dict[Name, ServiceMode] = {}
    rules: list[Rule] = []

    @field_validator("versions")
    @classmethod
    def _ordered(cls, versions: list[RulebookVersion]) -> list[RulebookVersion]:
        labels = [v.version for v in versions]
        if len(set(labels)) != len(labels):
            raise ValueError(f"版本号重复：{labels} / duplicate version labels")
        dates = [v.effective_from for v in versions]
        if any(later <= earlier for earlier, later in pairwise(dates)):
            raise ValueError("各版本的施行日期须严格递增 / versions' effective dates must strictly increase")
        return versions
