"""A throwaway lawtrace for the tests that need a real server process: run as a script with ``LAWTRACE_VAR_DIR``
and ``DATABASE_URL`` pointing at a temporary folder, it migrates, builds the benchmark's setting through the
services (province → city → county, two certified officers, a case, an AV record with a body camera) and prints
the AV record's id and a signed-in officer's request headers as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

import upload as bench  # noqa: E402 - the benchmark's set-up, shared rather than repeated

if __name__ == "__main__":
    bench.configure_django()
    setting = bench.build_setting()
    print(json.dumps({"av_record": setting.av_record.pk, "headers": bench.sign_in(setting.officer).headers}))
