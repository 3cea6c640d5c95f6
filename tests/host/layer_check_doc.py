#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""host.layers, the parts that hold the test's tables to the tree's other statements of them
(tests/host/layer_check.py calls these; each returns failure lines, [] when all agree):

  * check_makefile: FOLDER_ROOMS names exactly the folders the Makefile builds (SRC_DIRS,
    plus the folders of the sources C_SRCS/ASM_SRCS name one by one, boot/), so a folder
    cannot be built without a room nor given a room it does not build.
  * check_document: docs/architecture.md's tables -- folders by room, kernel/'s two rooms,
    public headers, allowed exceptions -- say exactly what the test's tables say.

Standard library only.
"""
import os
import re

DOC = "docs/architecture.md"
# The headings the document's tables follow (each table is the first after its heading).
FOLDERS_HEADING = "## Layout and layers"
SPLIT_HEADING = "### The two rooms of kernel/"
HEADERS_HEADING = "### Headers"
RULES_HEADING = "### The rules"


def makefile_folders(text):
    """The folders the Makefile's text builds, or None if it has no SRC_DIRS line: the
    SRC_DIRS words, and the folder of every source C_SRCS/ASM_SRCS names literally."""
    m = re.search(r"^SRC_DIRS\s*:?=(.*)$", text, re.M)
    if not m:
        return None
    folders = set(m.group(1).split())
    for line in re.findall(r"^(?:C|ASM)_SRCS\s*:?=(.*)$", text, re.M):
        folders |= {os.path.dirname(w) for w in line.split()
                    if "$" not in w and w.endswith((".c", ".asm"))}
    return folders


def check_makefile(root, rules):
    """Failure lines where FOLDER_ROOMS and the Makefile's SRC_DIRS disagree."""
    path = os.path.join(root, "Makefile")
    if not os.path.isfile(path):
        return ["Makefile: missing: FOLDER_ROOMS cannot be checked against SRC_DIRS"]
    with open(path, encoding="utf-8") as f:
        built = makefile_folders(f.read())
    if built is None:
        return ["Makefile: no SRC_DIRS line: FOLDER_ROOMS cannot be checked against it"]
    rooms = set(rules.folder_rooms)
    return ([f"Makefile: SRC_DIRS builds {d}/, which FOLDER_ROOMS (tests/host/layer_check.py)"
             f" puts in no room: add it there and in {DOC}" for d in sorted(built - rooms)]
            + [f"tests/host/layer_check.py: FOLDER_ROOMS has {d}/, which the Makefile does not"
               " build (SRC_DIRS): remove it or build it" for d in sorted(rooms - built)])


def table_rows(text, heading):
    """The rows ([cells]) of the first table after the line `heading`."""
    rows, lines = [], text.split("\n")
    if heading not in lines:
        return rows
    for line in lines[lines.index(heading) + 1:]:
        if line.startswith("#"):
            break
        if line.lstrip().startswith("|") and not re.match(r"^\s*\|[-| ]+\|\s*$", line):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif rows and not line.lstrip().startswith("|"):
            break
    return rows[1:]     # the header row


def differ(what, said, test):
    """Failure lines for the names on which two {name: value} maps differ."""
    return [f"{DOC}: {what} puts {k} in {said.get(k, 'no room')}, the test in "
            f"{test.get(k, 'no room')}" for k in sorted(set(said) | set(test))
            if said.get(k) != test.get(k)]


def check_document(root, rules):
    """Failure lines where docs/architecture.md's tables say other than the rules: the
    document must state exactly what is allowed, and where each file lives."""
    path = os.path.join(root, DOC)
    if not os.path.isfile(path):
        return [f"{DOC}: missing: it must state the layers the test checks"]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    bad, said = [], {}
    # layer | room | folders | ...: every `folder/` of a row is in that row's room
    for cells in table_rows(text, FOLDERS_HEADING):
        for folder in re.findall(r"`([\w./-]+)/`", cells[2] if len(cells) > 2 else ""):
            said[folder] = " ".join(sorted(set(said.get(folder, "").split()) | {cells[1]}))
    test = {f: " ".join(sorted(r)) if isinstance(r, dict) else r
            for f, r in rules.folder_rooms.items()}
    bad += differ("the folder table", said, test)
    said, test = {}, {}
    for folder, rooms in rules.folder_rooms.items():
        if isinstance(rooms, dict):
            test.update({f"{folder}/{n}": r for r, names in rooms.items() for n in names})
    for cells in table_rows(text, SPLIT_HEADING):
        for name in re.findall(r"`([\w.-]+)`", cells[1]):
            said["kernel/" + name] = cells[0]
    bad += differ("the kernel/ table", said, test)
    said = {}
    for cells in table_rows(text, HEADERS_HEADING):
        for name in re.findall(r"`([\w.]+\.h)`", cells[1]):
            said[name] = cells[0]
    bad += differ("the header table", said, rules.header_rooms)
    said = set()
    for cells in table_rows(text, RULES_HEADING):
        who, kind = cells[0].strip("`"), None
        for word in re.findall(r"`[^`]+`|\w+", cells[2]):
            if word.startswith("header") or word.startswith("symbol"):
                kind = word.rstrip("s")
            elif word.startswith("`") and kind:
                said.add((kind, who, word.strip("`")))
    table = ({("header",) + k for k in rules.allowed_headers}
             | {("symbol",) + k for k in rules.allowed_symbols})
    bad += [f"{DOC}: the exception table allows {k[0]} {k[2]} for {k[1]}, the test does not"
            for k in sorted(said - table)]
    bad += [f"{DOC}: the exception table does not list {k[0]} {k[2]} for {k[1]}, the test "
            "allows it" for k in sorted(table - said)]
    return bad
