"""PAdES (issue 17, optional): where a deployment gives the authority a certificate, the final document carries its
signature — valid, intact, by the authority, still PDF/A-2b — and a changed byte breaks it; without one, nothing is
signed. Checked with pyHanko's own validator, against the certificate as the only trust root (no network)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pikepdf
import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from lawtrace.documents import pades, services
from lawtrace.evidence import store
from lawtrace.orgs.models import Organisation
from lawtrace.records.models import Record
from tests.cases import walk
from tests.cases.steps import _signed

pytestmark = pytest.mark.django_db

PASSPHRASE = "印章口令-2026"


def _certificate(folder: Path, credit_code: str, name: str) -> x509.Certificate:
    """A self-signed signing certificate for the authority, as a PKCS#12 file named by its credit code."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(x509.NameOID.ORGANIZATION_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.KeyUsage(True, True, False, False, False, True, False, False, False), critical=True)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(PASSPHRASE.encode())
    (folder / f"{credit_code}.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(b"seal", key, certificate, None, encryption)
    )
    return certificate


def _final_pdf(folder: Path | None = None) -> tuple[bytes, Organisation, x509.Certificate | None]:
    """A signed inquiry transcript's final document; with ``folder``, its authority has a certificate there."""
    s, case = walk.opened("inner-mongolia-2025", "penalty")
    organisation = case.organisation
    assert organisation.credit_code, "the test organisation has a credit code"
    certificate = _certificate(folder, organisation.credit_code, organisation.name) if folder else None
    transcript = _signed(s, case, "inquiry_transcript", walk.INVESTIGATED)
    assert isinstance(transcript, Record)
    final = services.final_document(transcript)
    return b"".join(store.read_range(final.stored.storage_name)), organisation, certificate


def test_a_final_document_carries_the_authoritys_pades_signature_and_a_changed_byte_breaks_it(
    settings, tmp_path: Path
) -> None:
    settings.LAWTRACE_PADES_DIR, settings.LAWTRACE_PADES_PASSPHRASE = str(tmp_path), PASSPHRASE
    pdf, organisation, certificate = _final_pdf(tmp_path)
    assert certificate is not None
    root = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    trust = ValidationContext(trust_roots=[root])
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(signature, trust)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert organisation.name in status.signing_cert.subject.human_friendly
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert document.open_metadata().pdfa_status == "2B"  # the signature is an incremental update
    changed = bytearray(pdf)
    changed[pdf.index(b"/Producer") + 12] ^= 1
    (signature,) = PdfFileReader(io.BytesIO(bytes(changed))).embedded_signatures
    assert not validate_pdf_signature(signature, trust).intact


def test_without_a_certificate_nothing_is_signed_and_a_wrong_passphrase_is_an_error(settings, tmp_path: Path) -> None:
    pdf, organisation, _ = _final_pdf()
    assert not PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    settings.LAWTRACE_PADES_DIR, settings.LAWTRACE_PADES_PASSPHRASE = str(tmp_path), "不对的口令"
    _certificate(tmp_path, organisation.credit_code, organisation.name)
    with pytest.raises(pades.PadesError, match="签名证书"):
        pades.sign(pdf, organisation, reason="测试")
