"""Signed notes, checkpoints and tlog proofs, against the published examples and each other."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from lawtrace.ledger import merkle
from lawtrace.ledger.note import (
    COSIGNATURE_V1,
    ED25519,
    Checkpoint,
    CosignatureV1Signer,
    CosignatureV1Verifier,
    Ed25519Signer,
    Ed25519Verifier,
    FormatError,
    NoteError,
    SignatureError,
    TlogProof,
    format_tlog_proof,
    generate_key,
    key_id,
    open_checkpoint,
    open_note,
    parse_note,
    parse_signer_key,
    parse_tlog_proof,
    parse_verifier_key,
    sign_note,
    verify_tlog_proof,
)

# golang.org/x/mod/sumdb/note (note.go package documentation and note_test.go).
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_NOTE = (
    PETER_TEXT + "\n— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
# c2sp.org/signed-note, "Verifier keys → Example".
C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
C2SP_NOTE = (
    "This is an example message.\n\n— example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)
# c2sp.org/tlog-checkpoint, the example's note text.
C2SP_CHECKPOINT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"

ORIGIN = "lawtrace.example.gov.cn/lawtrace/11150000MB0000000X"
ROOT = base64.b64encode(merkle.EMPTY_ROOT).decode()
FIXED_TIME = datetime(2026, 11, 23, 11, 30, 5, tzinfo=UTC)


def _key(seed_byte: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes([seed_byte]) * 32)


def _log_signer() -> Ed25519Signer:
    return Ed25519Signer(ORIGIN, _key(1))


def _time_signer() -> CosignatureV1Signer:
    return CosignatureV1Signer(ORIGIN, _key(2), clock=lambda: FIXED_TIME)


# — the published examples —


def test_go_example_note_is_reproduced_byte_for_byte_and_opens() -> None:
    signer = parse_signer_key(PETER_SKEY)
    assert sign_note(PETER_TEXT, [signer]) == PETER_NOTE  # Ed25519 is deterministic
    assert open_note(PETER_NOTE, [parse_verifier_key(PETER_VKEY)]) == (PETER_TEXT, ["PeterNeumann"])


def test_c2sp_example_note_opens_with_its_verifier_key() -> None:
    assert open_note(C2SP_NOTE, [parse_verifier_key(C2SP_VKEY)]) == (
        "This is an example message.\n",
        ["example.com/foo"],
    )


def test_key_id_is_sha256_of_name_newline_type_and_public_key() -> None:
    verifier = parse_verifier_key(PETER_VKEY)
    assert isinstance(verifier, Ed25519Verifier)
    raw = verifier.public_key.public_bytes_raw()
    assert key_id("PeterNeumann", bytes([ED25519]) + raw) == 0xC74F20A3 == verifier.key_id
    assert verifier.verifier_key == PETER_VKEY


def test_signer_key_encodes_type_and_seed_and_round_trips() -> None:
    signer = parse_signer_key(PETER_SKEY)
    assert isinstance(signer, Ed25519Signer)
    assert signer.signer_key == PETER_SKEY
    assert signer.verifier.verifier_key == PETER_VKEY


@pytest.mark.parametrize("encoded", [PETER_VKEY, PETER_SKEY])
def test_every_truncation_and_every_changed_character_of_a_key_is_refused(encoded: str) -> None:
    parse = parse_signer_key if encoded.startswith("PRIVATE") else parse_verifier_key
    for i in range(len(encoded) + 1):
        for j in range(i + 1, len(encoded) + 1):
            if (i, j) != (0, len(encoded)):
                with pytest.raises(FormatError):
                    parse(encoded[i:j])
    for i, c in enumerate(encoded):
        with pytest.raises(FormatError):
            parse(encoded[:i] + chr(ord(c) + 1) + encoded[i + 1 :])


@pytest.mark.parametrize(
    "vkey",
    [
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",  # long key, matching ID
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # unknown type, matching ID
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # hex must be lowercase
    ],
)
def test_verifier_keys_of_unknown_type_or_length_are_refused(vkey: str) -> None:
    with pytest.raises(FormatError):
        parse_verifier_key(vkey)


@pytest.mark.parametrize("signature_type", [ED25519, COSIGNATURE_V1])
def test_generated_keys_parse_back_to_the_same_key(signature_type: int) -> None:
    skey, vkey = generate_key("example.org/log", signature_type)
    signer, verifier = parse_signer_key(skey), parse_verifier_key(vkey)
    assert (signer.name, signer.key_id) == (verifier.name, verifier.key_id)
    assert isinstance(verifier, CosignatureV1Verifier) == (signature_type == COSIGNATURE_V1)


# — signing and opening notes —


def test_note_signed_by_one_key_opens_with_that_verifier() -> None:
    signer = _log_signer()
    note = sign_note("hello\n", [signer])
    assert note.startswith("hello\n\n— " + ORIGIN + " ")
    assert open_note(note, [signer.verifier]) == ("hello\n", [ORIGIN])
    assert open_note(note.encode(), [signer.verifier]) == ("hello\n", [ORIGIN])


def test_tampered_text_is_refused() -> None:
    signer = _log_signer()
    note = sign_note("size 10\n", [signer])
    with pytest.raises(SignatureError, match="does not verify"):
        open_note(note.replace("size 10", "size 11"), [signer.verifier])


def test_tampered_signature_is_refused() -> None:
    signer = _log_signer()
    sig = parse_note(sign_note("hello\n", [signer])).signatures[0]
    forged = type(sig)(sig.name, sig.key_id, bytes([sig.signature[0] ^ 1]) + sig.signature[1:])
    with pytest.raises(SignatureError, match="does not verify"):
        open_note("hello\n\n" + forged.to_line(), [signer.verifier])


def test_signature_by_an_unknown_key_is_ignored() -> None:
    log, stranger = _log_signer(), Ed25519Signer("witness.example", _key(9))
    note = sign_note("hello\n", [stranger, log])
    assert open_note(note, [log.verifier]) == ("hello\n", [ORIGIN])


def test_same_name_with_another_key_is_an_unknown_key() -> None:
    log, impostor = _log_signer(), Ed25519Signer(ORIGIN, _key(8))
    note = sign_note("hello\n", [impostor, log])
    assert open_note(note, [log.verifier]) == ("hello\n", [ORIGIN])


def test_note_without_a_known_signature_is_refused() -> None:
    note = sign_note("hello\n", [Ed25519Signer("witness.example", _key(9))])
    with pytest.raises(SignatureError, match="no signature from a known key"):
        open_note(note, [_log_signer().verifier])


def test_a_bad_repeat_of_a_good_signature_is_still_refused() -> None:
    signer = _log_signer()
    note = sign_note("hello\n", [signer])
    with pytest.raises(SignatureError):
        open_note(note + sign_note("other\n", [signer]).split("\n\n")[1], [signer.verifier])


def test_two_verifiers_for_one_key_are_a_configuration_error() -> None:
    verifier = _log_signer().verifier
    with pytest.raises(ValueError, match="two verifiers"):
        open_note(sign_note("hello\n", [_log_signer()]), [verifier, verifier])


@pytest.mark.parametrize(
    "note",
    [
        pytest.param("hello\n— a AAAAAAA=\n", id="no-blank-line"),
        pytest.param("hello\n\n— a AAAAAAA=", id="no-final-newline"),
        pytest.param("hello\n\n", id="no-signatures"),
        pytest.param("hello\n\n- a AAAAAAA=\n", id="hyphen-not-em-dash"),
        pytest.param("hello\n\n—a AAAAAAA=\n", id="no-space-after-dash"),
        pytest.param("hello\n\n— a+b AAAAAAA=\n", id="plus-in-name"),
        pytest.param("hello\n\n— \u3000 AAAAAAA=\n", id="unicode-space-name"),
        pytest.param("hello\n\n— a AAAA\n", id="signature-too-short"),
        pytest.param("hello\n\n— a AAAAAAA\n", id="unpadded-base64"),
        pytest.param("hello\n\n— a AAAAAAB=\n", id="non-canonical-base64"),
        pytest.param("hello\n\n— a AAAA_AA=\n", id="url-safe-base64"),
        pytest.param("hello\r\n\n— a AAAAAAA=\n", id="carriage-return"),
        pytest.param("hel\tlo\n\n— a AAAAAAA=\n", id="tab"),
        pytest.param("hello\ud800\n\n— a AAAAAAA=\n", id="lone-surrogate"),
        pytest.param("hello\n\n" + "— a AAAAAAA=\n" * 101, id="too-many-signatures"),
    ],
)
def test_malformed_notes_are_refused(note: str) -> None:
    with pytest.raises(FormatError):
        open_note(note, [_log_signer().verifier])


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(FormatError, match="UTF-8"):
        parse_note(b"hello \xff\n\n\xe2\x80\x94 a AAAAAAA=\n")


note_texts = st.text(st.characters(codec="utf-8", min_codepoint=0x20) | st.just("\n")).map(lambda t: t + "\n")


@given(note_texts)
def test_any_text_round_trips_through_a_signed_note(text: str) -> None:
    signer = _log_signer()
    assert open_note(sign_note(text, [signer]), [signer.verifier]) == (text, [ORIGIN])


# — checkpoints —


def test_c2sp_example_checkpoint_parses_and_round_trips() -> None:
    checkpoint = Checkpoint.parse(C2SP_CHECKPOINT)
    assert (checkpoint.origin, checkpoint.size, checkpoint.extensions) == ("example.com/behind-the-sofa", 20852163, ())
    assert checkpoint.to_text() == C2SP_CHECKPOINT


def test_checkpoint_extension_lines_round_trip() -> None:
    checkpoint = Checkpoint(ORIGIN, 0, merkle.EMPTY_ROOT, ("ext one", "ext two"))
    assert checkpoint.to_text() == f"{ORIGIN}\n0\n{ROOT}\next one\next two\n"
    assert Checkpoint.parse(checkpoint.to_text()) == checkpoint


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f"{ORIGIN}\n01\n{ROOT}\n", id="leading-zero"),
        pytest.param(f"{ORIGIN}\n00\n{ROOT}\n", id="double-zero"),
        pytest.param(f"{ORIGIN}\n-1\n{ROOT}\n", id="negative"),
        pytest.param(f"{ORIGIN}\n+1\n{ROOT}\n", id="plus-sign"),
        pytest.param(f"{ORIGIN}\n 1\n{ROOT}\n", id="leading-space"),
        pytest.param(f"{ORIGIN}\n1 \n{ROOT}\n", id="trailing-space"),
        pytest.param(f"{ORIGIN}\n1_000\n{ROOT}\n", id="underscore"),
        pytest.param(f"{ORIGIN}\n\u0661\n{ROOT}\n", id="non-ascii-digit"),
        pytest.param(f"{ORIGIN}\n0x10\n{ROOT}\n", id="hex"),
        pytest.param(f"{ORIGIN}\n\n{ROOT}\n", id="empty-size"),
        pytest.param(f"{ORIGIN}\n18446744073709551616\n{ROOT}\n", id="size-2-to-the-64"),
        pytest.param(f"{ORIGIN}\n1\n{base64.b64encode(bytes(31)).decode()}\n", id="root-31-bytes"),
        pytest.param(f"{ORIGIN}\n1\n{base64.b64encode(bytes(33)).decode()}\n", id="root-33-bytes"),
        pytest.param(f"{ORIGIN}\n1\n{ROOT.rstrip('=')}\n", id="root-unpadded"),
        pytest.param(f"{ORIGIN}\n1\n{ROOT[:-2]}V=\n", id="root-non-canonical"),
        pytest.param(f"{ORIGIN}\n1\n{ROOT.replace('/', '_').replace('+', '-')}\n", id="root-url-safe"),
        pytest.param(f"{ORIGIN}\n1\n{ROOT}", id="no-final-newline"),
        pytest.param(f"{ORIGIN}\n1\n", id="two-lines"),
        pytest.param(f"\n1\n{ROOT}\n", id="empty-origin"),
        pytest.param(f"{ORIGIN}\n1\n{ROOT}\n\n", id="empty-extension-line"),
        pytest.param(f"{ORIGIN}\r\n1\r\n{ROOT}\r\n", id="crlf"),
        pytest.param(f"{ORIGIN}\n1\n{ROOT}\nbad\x00ext\n", id="control-character"),
    ],
)
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(FormatError):
        Checkpoint.parse(text)


@given(
    st.text(st.characters(codec="utf-8", min_codepoint=0x20), min_size=1),
    st.integers(0, 2**64 - 1),
    st.binary(min_size=32, max_size=32),
)
def test_any_checkpoint_round_trips(origin: str, size: int, root: bytes) -> None:
    checkpoint = Checkpoint(origin, size, root)
    assert Checkpoint.parse(checkpoint.to_text()) == checkpoint


def test_timestamped_checkpoint_opens_with_its_time() -> None:
    log, clock = _log_signer(), _time_signer()
    note = sign_note(Checkpoint(ORIGIN, 0, merkle.EMPTY_ROOT).to_text(), [log, clock])
    signed = open_checkpoint(note, [log.verifier, clock.verifier])
    assert signed.checkpoint.size == 0
    assert signed.signed_by == (ORIGIN, ORIGIN)
    assert signed.time == FIXED_TIME


def test_timestamp_is_a_c2sp_cosignature_v1_over_the_checkpoint() -> None:
    clock = _time_signer()
    body = Checkpoint(ORIGIN, 0, merkle.EMPTY_ROOT).to_text()
    sig = parse_note(sign_note(body, [clock])).signatures[0]
    seconds = int(FIXED_TIME.timestamp())
    assert sig.key_id == key_id(ORIGIN, b"\x04" + clock.public_key.public_bytes_raw())
    assert sig.signature[:8] == seconds.to_bytes(8, "big")
    clock.public_key.verify(sig.signature[8:], f"cosignature/v1\ntime {seconds}\n{body}".encode())


def test_time_is_unknown_without_the_time_key_and_the_time_line_is_ignored() -> None:
    log, clock = _log_signer(), _time_signer()
    note = sign_note(Checkpoint(ORIGIN, 0, merkle.EMPTY_ROOT).to_text(), [log, clock])
    signed = open_checkpoint(note, [log.verifier])
    assert signed.time is None and signed.signed_by == (ORIGIN,)


def test_a_changed_timestamp_is_refused() -> None:
    log, clock = _log_signer(), _time_signer()
    note = parse_note(sign_note(Checkpoint(ORIGIN, 0, merkle.EMPTY_ROOT).to_text(), [log, clock]))
    time_sig = note.signatures[1]
    later = type(time_sig)(time_sig.name, time_sig.key_id, (1).to_bytes(8, "big") + time_sig.signature[8:])
    forged = note.text + "\n" + note.signatures[0].to_line() + later.to_line()
    with pytest.raises(SignatureError):
        open_checkpoint(forged, [log.verifier, clock.verifier])


def test_cosignature_signer_signs_only_checkpoints() -> None:
    with pytest.raises(FormatError):
        sign_note("not a checkpoint\n", [_time_signer()])


def test_checkpoint_signed_only_by_a_witness_is_not_the_logs() -> None:
    witness = Ed25519Signer("witness.example", _key(9))
    note = sign_note(Checkpoint(ORIGIN, 0, merkle.EMPTY_ROOT).to_text(), [witness])
    assert open_note(note, [witness.verifier])[1] == ["witness.example"]
    with pytest.raises(SignatureError, match="no verified signature by the log"):
        open_checkpoint(note, [witness.verifier])


# — tlog proofs —

ENTRIES = [f'{{"seq":{i},"v":1}}'.encode() for i in range(13)]


def _signed_tree() -> tuple[list[bytes], str, list[Ed25519Verifier]]:
    hashes = [merkle.leaf_hash(e) for e in ENTRIES]
    log, clock = _log_signer(), _time_signer()
    checkpoint = Checkpoint(ORIGIN, len(hashes), merkle.root_from_leaf_hashes(hashes))
    return hashes, sign_note(checkpoint.to_text(), [log, clock]), [log.verifier, clock.verifier]


def test_tlog_proof_has_the_c2sp_layout_and_round_trips() -> None:
    hashes, note, _ = _signed_tree()
    proof = merkle.inclusion_proof(hashes, 5, len(hashes))
    text = format_tlog_proof(5, proof, note, extra_data=b"case 2026-001")
    lines = text.split("\n")
    assert lines[:3] == [
        "c2sp.org/tlog-proof@v1",
        "extra " + base64.b64encode(b"case 2026-001").decode(),
        "index 5",
    ]
    assert lines[3 : 3 + len(proof)] == [base64.b64encode(h).decode() for h in proof]
    assert text.endswith("\n\n" + note)
    parsed = parse_tlog_proof(text)
    assert parsed == TlogProof(5, tuple(proof), note, b"case 2026-001")
    assert parsed.to_text() == text


def test_every_entry_verifies_offline_from_its_tlog_proof() -> None:
    hashes, note, verifiers = _signed_tree()
    for index, entry in enumerate(ENTRIES):
        text = format_tlog_proof(index, merkle.inclusion_proof(hashes, index, len(hashes)), note)
        signed = verify_tlog_proof(parse_tlog_proof(text), verifiers, leaf_data=entry)
        assert signed.checkpoint.size == len(ENTRIES) and signed.time == FIXED_TIME
        verify_tlog_proof(parse_tlog_proof(text), verifiers, leaf_hash=hashes[index])


def test_tlog_proof_for_another_entry_or_index_is_refused() -> None:
    hashes, note, verifiers = _signed_tree()
    proof = parse_tlog_proof(format_tlog_proof(5, merkle.inclusion_proof(hashes, 5, len(hashes)), note))
    with pytest.raises(merkle.ProofError):
        verify_tlog_proof(proof, verifiers, leaf_data=ENTRIES[6])
    with pytest.raises(merkle.ProofError):
        verify_tlog_proof(TlogProof(4, proof.proof, note), verifiers, leaf_data=ENTRIES[5])


def test_tlog_proof_with_an_untrusted_checkpoint_is_refused() -> None:
    hashes, note, _ = _signed_tree()
    proof = parse_tlog_proof(format_tlog_proof(0, merkle.inclusion_proof(hashes, 0, len(hashes)), note))
    with pytest.raises(NoteError):
        verify_tlog_proof(proof, [Ed25519Signer(ORIGIN, _key(7)).verifier], leaf_data=ENTRIES[0])


def test_tlog_proof_needs_exactly_one_of_data_and_hash() -> None:
    hashes, note, verifiers = _signed_tree()
    proof = parse_tlog_proof(format_tlog_proof(0, merkle.inclusion_proof(hashes, 0, len(hashes)), note))
    with pytest.raises(ValueError):
        verify_tlog_proof(proof, verifiers)
    with pytest.raises(ValueError):
        verify_tlog_proof(proof, verifiers, leaf_data=ENTRIES[0], leaf_hash=hashes[0])


def test_single_entry_tree_has_an_empty_proof() -> None:
    log = _log_signer()
    note = sign_note(Checkpoint(ORIGIN, 1, merkle.leaf_hash(b"x")).to_text(), [log])
    text = format_tlog_proof(0, [], note)
    assert text.startswith("c2sp.org/tlog-proof@v1\nindex 0\n\n")
    verify_tlog_proof(parse_tlog_proof(text), [log.verifier], leaf_data=b"x")


def _proof_text() -> str:
    hashes, note, _ = _signed_tree()
    return format_tlog_proof(5, merkle.inclusion_proof(hashes, 5, len(hashes)), note, extra_data=b"x")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("c2sp.org/tlog-proof@v1\n", "c2sp.org/tlog-proof@v2\n", id="wrong-header"),
        pytest.param("c2sp.org/tlog-proof@v1\n", "", id="no-header"),
        pytest.param("index 5\n", "index 05\n", id="index-leading-zero"),
        pytest.param("index 5\n", "index -5\n", id="negative-index"),
        pytest.param("index 5\n", "", id="no-index"),
        pytest.param("index 5\n", "index 5\nindex 5\n", id="second-index"),
        pytest.param("extra eA==\n", "extra \n", id="empty-extra"),
        pytest.param("extra eA==\nindex 5\n", "index 5\nextra eA==\n", id="extra-after-index"),
        pytest.param("index 5\n", "index 5\n" + base64.b64encode(bytes(31)).decode() + "\n", id="short-hash"),
        pytest.param("\n\n", "\n", id="no-blank-line"),
        pytest.param(f"\n\n{ORIGIN}\n13\n", f"\n\n{ORIGIN}\n013\n", id="malformed-checkpoint"),
    ],
)
def test_malformed_tlog_proofs_are_refused(old: str, new: str) -> None:
    text = _proof_text()
    assert old in text
    with pytest.raises(FormatError):
        parse_tlog_proof(text.replace(old, new, 1))
