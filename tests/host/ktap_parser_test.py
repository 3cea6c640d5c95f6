#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The runner's KTAP parser must flag broken output (tests/ktap.py parse_ktap):
renumbered or repeated cases, unparsable result lines, missing plans, a suite result
that closes the wrong subtest, stray results, and output cut off mid-suite."""
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from ktap import parse_ktap  # noqa: E402
good = """KTAP version 1
1..1
    KTAP version 1
    # Subtest: s
    1..2
    ok 1 a
    ok 2 b
ok 1 s""".split("\n")
r, p = parse_ktap(good); assert not p and len(r) == 2, (r, p)
def bad(text, frag):
    r, p = parse_ktap(text.split("\n"))
    assert any(frag in x for x in p), (frag, p)
bad("\n".join(good).replace("ok 2 b", "ok 1 a"), "numbered")
bad("\n".join(good).replace("ok 2 b", "not ok 2 b # FAILED"), "unparsable")
bad("\n".join(good).replace("    1..2\n", ""), "no plan")
bad("\n".join(good).replace("ok 1 s", "ok 1 t"), "does not close")
bad("\n".join(good) + "\n    ok 3 c", "outside a suite")
bad("\n".join(good[:-1]), "cut off")
# The manifest check: a full run that leaves out a registered case is caught.
import manifest  # noqa: E402
m = {"s": (False, ["a", "b"]), "x": (True, ["only_when_named"])}
assert manifest.missing_from(m, {"s.a", "s.b"}) == []
assert manifest.missing_from(m, {"s.a"}) == ["s.b"]
assert manifest.missing_from({"t": (False, ["c"])}, {"s.a"}) == ["t.c"]
print("ktap-parser: 10 cases, 0 failures")
