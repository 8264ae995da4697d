#!/usr/bin/env bash
# Fails when a document names a path that is not in the repository, so the map (and every
# other doc) cannot silently drift from the tree. `scripts/lint.sh` runs it.
#
# Checked, in README.md and docs/*.md (or the files given as arguments):
# - every backticked repo-relative path outside code fences: a word whose first segment is a
#   top-level entry of the repository (`server/src/api/mod.rs`, `jobs/src/queue/`,
#   `scripts/lint.sh`); a `*` is a glob that must match something; a `:line` or `::item`
#   suffix is ignored; words with placeholders (`…`, `<…>`, `{…}`) are skipped. Routes
#   (`/api/v1/...`), crate names and identifiers have no such first segment and are skipped.
# - every relative Markdown link (`[text](pipeline.md#metrics)`): the file must exist, and an
#   anchor into a Markdown file must be one of its headings.
# A path exists when git tracks it (a file, or a folder holding tracked files) or when git
# ignores it (build and test outputs such as `end2end/screenshots/`); outside git, when it is
# on disk.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -eq 0 ]; then
    set -- README.md docs/*.md
fi

exec python3 - "$@" <<'PY'
import fnmatch
import glob
import os
import re
import subprocess
import sys

def tracked_paths():
    try:
        out = subprocess.run(["git", "ls-files", "-z"], check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    files = [p for p in out.decode().split("\0") if p]
    dirs = {os.path.dirname(p) for p in files}
    for d in list(dirs):
        while d:
            dirs.add(d)
            d = os.path.dirname(d)
    dirs.discard("")
    return set(files), dirs

TRACKED = tracked_paths()

def exists(path):
    if TRACKED is None:
        return os.path.exists(path)
    files, dirs = TRACKED
    return path.rstrip("/") in files or path.rstrip("/") in dirs or ignored(path)

def ignored(path):
    # Outputs git ignores (`target/`, `end2end/test-results/`) are made by builds and
    # test runs: a document may name them although the tree does not hold them.
    return subprocess.run(["git", "check-ignore", "-q", "--no-index", path]).returncode == 0

def glob_matches(pattern):
    if TRACKED is None:
        return bool(glob.glob(pattern))
    return any(fnmatch.fnmatchcase(n, pattern.rstrip("/")) for n in TRACKED[0] | TRACKED[1])

# First segments that make a word a repo path: the top-level entries of the tree.
if TRACKED:
    TOP = {p.split("/")[0] for p in TRACKED[0]}
else:
    TOP = set(os.listdir("."))

FENCE = re.compile(r"^\s*(```|~~~)")
SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")

def slug(heading):
    # GitHub's anchors: lower case, punctuation dropped, spaces become hyphens.
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")

anchor_cache = {}

def anchors(md):
    if md not in anchor_cache:
        seen = {}
        result = set()
        in_fence = False
        with open(md, encoding="utf-8") as f:
            for line in f:
                if FENCE.match(line):
                    in_fence = not in_fence
                    continue
                m = None if in_fence else HEADING.match(line)
                if m:
                    s = slug(m.group(1))
                    n = seen.get(s, 0)
                    seen[s] = n + 1
                    result.add(s if n == 0 else f"{s}-{n}")
        anchor_cache[md] = result
    return anchor_cache[md]

def path_word(word):
    """The repo path a backticked word names, or None when it names none."""
    word = word.lstrip("\"'([").rstrip("\"')],;.:")
    if word.startswith(("/", "~", "$", "-")) or "://" in word or "/" not in word:
        return None
    if any(c in word for c in "…<>{}=@"):
        return None
    word = re.sub(r"(::[\w:]+|:\d+(-\d+)?)$", "", word)
    if word.split("/")[0] not in TOP:
        return None
    return word

missing = []
checked = 0
for doc in sys.argv[1:]:
    if not os.path.exists(doc):
        missing.append((doc, 0, doc, "the document itself"))
        continue
    base = os.path.dirname(doc)
    in_fence = False
    with open(doc, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            for span in SPAN.findall(line):
                for word in span.split():
                    path = path_word(word)
                    if path is None:
                        continue
                    checked += 1
                    ok = glob_matches(path) if "*" in path else exists(path)
                    if not ok:
                        kind = "on disk but not tracked by git" if os.path.exists(path) else "path"
                        missing.append((doc, lineno, path, kind))
            for target in LINK.findall(SPAN.sub("", line)):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("/"):
                    continue  # absolute URLs, mailto:, site routes
                file_part, _, anchor = target.partition("#")
                path = os.path.normpath(os.path.join(base, file_part)) if file_part else doc
                checked += 1
                if not exists(path) and not os.path.exists(path):
                    missing.append((doc, lineno, target, "link"))
                elif anchor and path.endswith(".md") and anchor not in anchors(path):
                    missing.append((doc, lineno, target, "anchor"))

if missing:
    print(f"check-docs: {len(missing)} of {checked} paths named in the docs do not exist:",
          file=sys.stderr)
    for doc, lineno, path, kind in missing:
        print(f"  {doc}:{lineno}: {path} ({kind})", file=sys.stderr)
    sys.exit(1)
print(f"check-docs: {checked} paths and links in {len(sys.argv) - 1} documents exist")
PY
