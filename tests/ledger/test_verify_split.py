"""A long log is verified in two parts at once (issue 15: verify near the cost of reading and hashing): the second
part by a helper process. Whatever is wrong and wherever, the report — ok, first bad sequence number, message — is
the one a single pass gives.

The helper reads committed rows through its own connection, so the log is built in a throwaway database (a SQLite
file, or PostgreSQL when the suite runs on it) by a real ``lawtrace shell``, which then plays the DBA (the
append-only triggers dropped), edits one thing at a time, checks the log both ways and puts the rows back.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lawtrace.ledger import merkle
from tests.throwaway import CLI, throwaway_environment


def _leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


@given(st.integers(0, 300), st.data())
def test_the_subtrees_of_a_later_part_append_to_the_tree_of_the_first(n: int, data: st.DataObject) -> None:
    leaves = _leaves(n)
    begin = data.draw(st.integers(0, n))
    tree = merkle.CompactRange()
    tree.extend(leaves[:begin])
    later = merkle.SubtreeRange(begin)
    done = begin
    while done < n:  # in batches of any size, as the helper reads them
        step = data.draw(st.integers(1, n - done))
        later.extend(leaves[done : done + step])
        done += step
    for size, root in later.subtrees:
        tree.append_subtree(size, root)
    whole = merkle.CompactRange()
    whole.extend(leaves)
    assert (tree.size, tree.hashes, tree.root()) == (whole.size, whole.hashes, merkle.root_from_leaf_hashes(leaves))


def test_a_subtree_that_does_not_fit_where_the_tree_ends_is_refused() -> None:
    tree = merkle.CompactRange()
    tree.extend(_leaves(3))
    with pytest.raises(ValueError, match="cannot follow"):
        tree.append_subtree(2, bytes(32))


SCRIPT = """
import json
from django.db import connection, transaction
from lawtrace.ledger import verify, verify_helper
from lawtrace.ledger.actions import LedgerAction
from lawtrace.ledger.services import append, log_for, make_checkpoint
from lawtrace.orgs.models import Organisation, OrgKind, User
from lawtrace.orgs import services

root = User.objects.create(username="root", full_name="根", is_superuser=True)
org = services.save_organisation(actor=root, organisation=Organisation(
    name="核验测试局", short_name="核验", kind=OrgKind.PROVINCE, region_code="150000", seal_name="核验测试局",
    rulebook="inner-mongolia-2025"))

def grow(to, case_number=""):
    with transaction.atomic():
        while log_for(org).size < to:
            append(action=LedgerAction.ORG_SAVED, actor=None, organisation=org, payload={"n": log_for(org).size},
                   case_number=case_number)

grow(150); make_checkpoint(log_for(org))  # a checkpoint in the first part
grow(330); make_checkpoint(log_for(org))  # one in the helper's part
grow(400, "X")  # an unsigned tail, vouched for by the entries' MACs
log = log_for(org)

started = []
real_start = verify_helper.start
def counted(*args, **kwargs):
    helper = real_start(*args, **kwargs)
    started.append(helper is not None)
    return helper
verify_helper.start = counted
joined = []
real_join = verify._Walk.join
def join(walk, result):
    went_on_from = real_join(walk, result)
    joined.append([result.begin, result.end, went_on_from])
    return went_on_from
verify._Walk.join = join

def both():
    started.clear(); joined.clear()
    split = verify.verify_log(log, parallel_from=10)
    single = verify.verify_log(log, parallel_from=10**9)
    facts = lambda r: [r.ok, r.entries, r.first_bad_seq, r.problem]
    return {"split": facts(split), "single": facts(single), "helpers": started.count(True), "joined": joined[:]}

from tests.ledger.test_verify import drop_triggers  # the DBA's first step, as in the other tampering tests

drop_triggers()
with connection.cursor() as c:
    c.execute("CREATE TABLE kept AS SELECT * FROM ledger_entry")

def flip_a_byte(c, seq):
    c.execute("SELECT data FROM ledger_entry WHERE log_id = %s AND seq = %s", [log.pk, seq])
    data = bytearray(c.fetchone()[0])
    data[40] ^= 1
    c.execute("UPDATE ledger_entry SET data = %s WHERE log_id = %s AND seq = %s", [bytes(data), log.pk, seq])

EDITS = {EDITS}
results = {"sound": both()}
for name, edit in EDITS.items():
    with connection.cursor() as c:
        if edit.startswith("flip "):
            flip_a_byte(c, int(edit.split()[1]))
        else:
            c.execute(edit, [log.pk])
    results[name] = both()
    with connection.cursor() as c:
        c.execute("DELETE FROM ledger_entry")
        c.execute("INSERT INTO ledger_entry SELECT * FROM kept")
print(json.dumps(results, ensure_ascii=False))
"""

# what a DBA changes → the sequence number both checks must name (the log splits at 200)
EDITS = {
    "flip 3": 3,
    "flip 199": 199,
    "flip 200": 200,
    "flip 260": 260,
    "flip 330": 330,
    "flip 399": 399,
    "UPDATE ledger_entry SET action = 'role.granted' WHERE log_id = %s AND seq = 300": 300,
    "UPDATE ledger_entry SET case_number = 'Y' WHERE log_id = %s AND seq = 390": 390,
    "DELETE FROM ledger_entry WHERE log_id = %s AND seq = 250": 250,
    "UPDATE ledger_entry SET mac = NULL WHERE log_id = %s AND seq = 350": 350,
}


def test_a_long_log_is_checked_in_two_parts_with_the_report_of_one_pass_whatever_is_wrong(tmp_path: Path) -> None:
    script = SCRIPT.replace("{EDITS}", repr({edit: edit for edit in EDITS}))
    with throwaway_environment(tmp_path) as env:
        out = subprocess.run(
            [*CLI, "shell", "--no-imports", "-c", script], env=env, check=True, capture_output=True, text=True
        ).stdout
    results = json.loads(out.strip().splitlines()[-1])
    sound = results.pop("sound")
    assert sound["helpers"] == 1 and sound["split"] == sound["single"] == [True, 400, None, ""]
    assert sound["joined"] == [[200, 400, 400]]  # the helper vouched for the second half, all of it
    for edit, seq in EDITS.items():
        found = results[edit]
        assert found["helpers"] == 1, edit
        assert found["split"] == found["single"], (edit, found)
        assert found["split"][0] is False and found["split"][2] == seq, (edit, found)
        if seq >= 200:  # the helper stopped at the edit and the main pass named it from there
            assert found["joined"] == [[200, seq, seq]], (edit, found)
        else:  # the first half failed: the helper's part was not needed
            assert found["joined"] == [], (edit, found)
