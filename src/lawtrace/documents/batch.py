"""批量打印: every final document of a case as one PDF, in the order of its 卷内目录 (the archive issue's input)."""

from __future__ import annotations

import io

from lawtrace.cases.case_file import table_of_contents
from lawtrace.cases.models import Case
from lawtrace.documents import kinds, services
from lawtrace.errors import Refused
from lawtrace.evidence import fixity


def case_documents_pdf(case: Case) -> bytes:
    """The case's final documents joined in table-of-contents order; refused when a stored document
    fails its fixity check (a batch never hides a changed file among intact ones)."""
    import pikepdf

    joined = pikepdf.new()
    sources: list[pikepdf.Pdf] = []
    count = 0
    try:
        for entry in table_of_contents(case).documents:
            record = entry.record
            if record is None or not kinds.is_document(record.kind):
                continue
            final = services.final_document(record)
            data = fixity.intact_small(final.stored)
            if data is None:
                raise Refused(f"{record.kind_name}的定稿完整性校验失败，已记入台账；请联系监督人员后再打印。")
            source = pikepdf.open(io.BytesIO(data))
            sources.append(source)
            joined.pages.extend(source.pages)
            count += 1
        if not count:
            raise Refused("本案尚无已签署的文书。")
        out = io.BytesIO()
        joined.save(out)
        return out.getvalue()
    finally:
        for source in sources:
            source.close()
        joined.close()
