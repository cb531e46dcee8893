"""PAdES signatures on final documents, where a deployment gives an authority a certificate.

A final document is already bound to the ledger (its hash in ``record.document_finalised``) and verifiable from its
QR code; a PAdES signature (ETSI EN 319 142, baseline B-B, by pyHanko) adds what a PDF reader shows by itself: who
issued the file, and that not a byte changed since. It is an incremental update, so the PDF/A-2b body stays as
rendered.

Configuration: ``LAWTRACE_PADES_DIR`` is a folder of PKCS#12 files, one per authority, named by its 统一社会信用代码
(``<credit code>.p12``); ``LAWTRACE_PADES_PASSPHRASE`` opens them. An authority without a file gets no signature. A
file that is there but cannot be opened is an error, not an unsigned document: whoever configured it expects every
final document signed (the periodic task retries). Electronic seals by GB/T 38540 (SM2 with a seal structure) are
not PAdES: they need an external seal provider, and these settings do not make one.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings

from lawtrace.orgs.models import Organisation


class PadesError(Exception):
    """The authority's signing certificate is configured but cannot be used."""


def certificate_file(organisation: Organisation) -> Path | None:
    folder = str(settings.LAWTRACE_PADES_DIR)
    if not folder or not organisation.credit_code:
        return None
    path = Path(folder) / f"{organisation.credit_code}.p12"
    return path if path.is_file() else None


def sign(pdf: bytes, organisation: Organisation, *, reason: str) -> bytes:
    """The PDF with the authority's PAdES signature appended, or unchanged when it has no certificate."""
    path = certificate_file(organisation)
    if path is None:
        return pdf
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    passphrase = str(settings.LAWTRACE_PADES_PASSPHRASE).encode() or None
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase)
    if signer is None:
        raise PadesError(f"无法打开{organisation.name}的签名证书（{path.name}）：文件或口令有误。")
    metadata = signers.PdfSignatureMetadata(
        field_name="AuthoritySignature",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        name=organisation.name,
    )
    signed = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), metadata, signer=signer)
    return signed.getvalue()
