"""Verifiable paper (issue 17): the code and QR printed on a final document lead to the public verification page,
which names the document (not the party), says whether the authority's copy is intact, checks a PDF someone holds
against the hash, and gives the ledger proof that ``lawtrace ledger verify-proof`` checks with the published key."""

from __future__ import annotations

import json
import re
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from lawtrace.documents import services
from lawtrace.documents.models import FinalDocument
from lawtrace.evidence import store
from lawtrace.ledger import keys
from lawtrace.ledger.services import log_for
from lawtrace.records.models import Record
from tests.cases import walk

pytestmark = pytest.mark.django_db


def signed_decision() -> tuple[Record, FinalDocument, bytes]:
    s, case = walk.opened("inner-mongolia-2025", "penalty")
    walk.to_execution(s, case)
    decision = Record.objects.get(case=case, kind="penalty_decision")
    final = services.final_document(decision)
    return decision, final, b"".join(store.read_range(final.stored.storage_name))


def test_the_code_printed_on_the_document_verifies_and_shows_nothing_of_the_party(tmp_path: Path) -> None:
    decision, final, pdf = signed_decision()
    (tmp_path / "d.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "d.pdf"), "-"], capture_output=True, text=True).stdout
    text = re.sub(r"\s+", "", text)
    assert final.code in text and f"/gongshi/verify/{final.code}/" in text  # printed beside its QR code

    public = Client()
    page = public.get(f"/gongshi/verify/{final.code.lower().replace('-', '')}/")  # typed loosely, still found
    body = page.content.decode()
    assert page.status_code == 200 and "存档文书完整" in body
    assert decision.content["document_number"] in body and final.stored.sha256 in body
    assert decision.case.organisation.name in body
    for party in decision.case.parties.all():
        assert party.name not in body and (not party.phone or party.phone not in body)

    same = public.post(f"/gongshi/verify/{final.code}/", {"file": SimpleUploadedFile("d.pdf", pdf)})
    assert "逐字节相同" in same.content.decode()
    changed = bytearray(pdf)
    changed[len(changed) // 3] ^= 0x20
    other = public.post(f"/gongshi/verify/{final.code}/", {"file": SimpleUploadedFile("d.pdf", bytes(changed))})
    assert "不一致" in other.content.decode()


def test_a_changed_byte_in_the_stored_copy_shows_on_the_verification_page() -> None:
    _, final, pdf = signed_decision()
    path = Path(store.default_storage.path(final.stored.storage_name))
    changed = bytearray(pdf)
    changed[100] ^= 0x01
    path.write_bytes(bytes(changed))
    body = Client().get(f"/gongshi/verify/{final.code}/").content.decode()
    assert "存档文书校验失败" in body and "存档文书完整" not in body


def test_an_unknown_code_says_so_and_leaks_nothing() -> None:
    signed_decision()
    public = Client()
    for code in ("ZZZZ-ZZZZ-ZZ", "not-a-code", "<script>"):
        page = public.get(f"/gongshi/verify/{code}/")
        body = page.content.decode()
        assert page.status_code == 404 and "未找到该核验码对应的文书" in body
        assert "<script>" not in body.split("</header>", 1)[-1]  # what was typed is never echoed as markup
        assert 'data-testid="verified"' not in body and "font-monospace small" not in body
    assert public.get("/gongshi/verify/ZZZZ-ZZZZ-ZZ/proof.json").status_code == 404
    assert public.get("/gongshi/verify/?code=abc").status_code == 400


def test_the_ledger_proof_of_the_document_verifies_offline_with_the_published_key(tmp_path: Path) -> None:
    _, final, _ = signed_decision()
    response = Client().get(f"/gongshi/verify/{final.code}/proof.json")
    assert response.status_code == 200
    bundle = json.loads(response.content)
    assert final.stored.sha256 in json.dumps(bundle)
    proof = tmp_path / "proof.json"
    proof.write_bytes(response.content)
    key_file = tmp_path / "key.txt"
    key_file.write_text(keys.published_key_file(log_for(final.record.case.organisation).origin), encoding="utf-8")
    out = StringIO()
    call_command("ledger", "verify-proof", str(proof), "--key", str(key_file), stdout=out)
    assert "证明有效" in out.getvalue()
