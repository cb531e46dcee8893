"""The ledger's canonical JSON is byte for byte the ``rfc8785`` package's (RFC 8785), for every entry it can write.

``entry.canonical_json`` uses the standard library's C encoder; these properties are what allows it to replace the
pure-Python package on the append path (the package stays the reference, and ``verify --deep`` uses it).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from lawtrace.ledger.entry import MAX_SAFE_INTEGER, EntryFields, canonical_bytes, canonical_json

# Texts that exercise what differs between encoders: Chinese (with full-width punctuation, U+FF00…), characters
# outside the BMP (UTF-16 surrogate pairs sort before U+E000…U+FFFF, code points after), the private use area,
# controls, quotes, backslashes, DEL, the line and paragraph separators.
special = st.sampled_from(
    ["内蒙古自治区医疗保障局", "内医保罚〔2026〕12号", "（）：，", "😀", "𝄞", "\ue000", "\uffff", "\U0010ffff",
     "\x00", "\x1f", "\x7f", "\b\f\n\r\t", '"', "\\", "/", "\u2028\u2029", "é", "ﬀ", ""]
)  # fmt: skip
texts = st.text(max_size=10) | special | st.lists(special, max_size=4).map("".join)
integers = st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | st.sampled_from(
    [0, -1, 2**31, 2**32, 2**53 - 1, -(2**53) + 1, 10**15, 9007199254740991]
)
json_values = st.recursive(
    st.none() | st.booleans() | integers | texts,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(texts, inner, max_size=6),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_canonical_json_equals_rfc8785_for_every_value_the_format_allows(value: object) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(texts, json_values, max_size=8), texts, texts, st.none() | st.integers(1, MAX_SAFE_INTEGER))
def test_canonical_bytes_of_an_entry_equal_rfc8785(payload: dict, name: str, case: str, actor: int | None) -> None:
    fields = EntryFields(
        log="lawtrace.local/lawtrace/11150000MB0000001X/20261203-0123456789ab",
        seq=(actor or 0) % MAX_SAFE_INTEGER,
        time=datetime(2026, 12, 3, tzinfo=UTC) + timedelta(microseconds=actor or 0),
        actor_id=None if actor is None else str(actor),
        actor_name=name,
        org="11150000MB0000001X",
        case=case or None,
        action="role.granted",
        payload=payload,
        evidence=["ab" * 32],
        prev="0" * 64,
    )
    assert canonical_bytes(fields) == rfc8785.dumps(fields.to_json())


def test_key_order_is_by_utf16_code_units_not_code_points() -> None:
    """U+1F600 is a surrogate pair (D83D DE00) in UTF-16, so it sorts before U+E000 there, after it by code point."""
    value = {"\ue000": 1, "😀": 2, "a": {"\uffff": 3, "\U00010000": 4}}
    assert canonical_json(value) == rfc8785.dumps(value)
    assert canonical_json(value).index("😀".encode()) < canonical_json(value).index("\ue000".encode())
