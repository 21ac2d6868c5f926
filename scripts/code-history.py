#!/usr/bin/env python3
"""Builds a git history of real source code for benchmarks.

make-history.py writes small synthetic files, one new version per commit,
and packs them without delta search. Real repositories look different:
source files of tens of kilobytes, a few hot files edited again and again,
and packs where most versions are deltas of the previous one. This script
takes the files of real repositories (their HEAD), commits them, then edits
them for --commits commits (1 to 3 files a commit, chosen with a Pareto
distribution so that a few files take most edits; 1 to 4 line edits each:
insert, delete or change a line), and packs with `git repack -adf` as
`git gc --aggressive` would.

    scripts/code-history.py --out PATH [--commits 6000] [--seed 7] SOURCE_REPO...

Sources default to the Swift packages this machine keeps under
/opt/swift-packages (swift-nio, swift-syntax, GRDB, swift-crypto).
"""
import argparse
import os
import random
import subprocess
import sys

DEFAULT_SOURCES = [
    "/opt/swift-packages/apple/swift-nio.git",
    "/opt/swift-packages/swiftlang/swift-syntax.git",
    "/opt/swift-packages/groue/GRDB.swift.git",
    "/opt/swift-packages/apple/swift-crypto.git",
]
WORDS = [b"value", b"count", b"index", b"buffer", b"result", b"handler", b"context", b"offset"]


def read_sources(repositories):
    files = {}
    for repository in repositories:
        name = os.path.basename(repository.rstrip("/")).removesuffix(".git")
        listing = subprocess.run(
            ["git", "-C", repository, "ls-tree", "-r", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        for line in listing:
            meta, path = line.split("\t", 1)
            _, kind, sha = meta.split()
            if kind != "blob":
                continue
            data = subprocess.run(["git", "-C", repository, "cat-file", "blob", sha], capture_output=True).stdout
            if b"\0" in data[:8000] or len(data) > 2_000_000:
                continue
            files[f"{name}/{path}"] = data
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--commits", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("sources", nargs="*")
    arguments = parser.parse_args()
    sources = arguments.sources or [path for path in DEFAULT_SOURCES if os.path.isdir(path)]
    if not sources:
        sys.exit("code-history: no source repositories given and none found under /opt/swift-packages")
    random.seed(arguments.seed)
    files = read_sources(sources)
    paths = sorted(files)
    hot = paths[:]
    random.shuffle(hot)

    if os.path.exists(arguments.out):
        sys.exit(f"code-history: {arguments.out} exists")
    subprocess.run(["git", "init", "-q", "-b", "main", arguments.out], check=True)
    importer = subprocess.Popen(["git", "-C", arguments.out, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    out = importer.stdin
    clock = 1_500_000_000

    def emit(changed, message):
        nonlocal clock
        clock += 3600
        out.write(b"commit refs/heads/main\n")
        out.write(f"committer Dev <dev@example.com> {clock} +0000\n".encode())
        text = message.encode()
        out.write(b"data %d\n" % len(text) + text + b"\n")
        for path in changed:
            data = files[path]
            out.write(f"M 100644 inline {path}\n".encode())
            out.write(b"data %d\n" % len(data) + data + b"\n")

    emit(paths, "import")
    for number in range(arguments.commits):
        picks = random.choice([1, 1, 2, 3])
        changed = sorted({hot[min(int(random.paretovariate(1.2)) - 1, len(hot) - 1)] for _ in range(picks)})
        for path in changed:
            lines = files[path].split(b"\n")
            for _ in range(random.choice([1, 1, 1, 2, 4])):
                at = random.randrange(len(lines))
                choice = random.random()
                if choice < 0.45:
                    lines.insert(at, lines[random.randrange(len(lines))] + b" // " + random.choice(WORDS))
                elif choice < 0.7 and len(lines) > 5:
                    del lines[at]
                else:
                    lines[at] = lines[at].replace(b"e", b"E", 1) + b" " + random.choice(WORDS)
            files[path] = b"\n".join(lines)
        emit(changed, f"change {number}")
    out.close()
    if importer.wait() != 0:
        sys.exit("code-history: git fast-import failed")
    subprocess.run(["git", "-C", arguments.out, "reset", "-q", "--hard", "main"], check=True)
    subprocess.run(["git", "-C", arguments.out, "repack", "-adfq", "--window=10", "--depth=50"], check=True)
    print(f"{arguments.out}: {arguments.commits + 1} commits over {len(paths)} files", file=sys.stderr)


if __name__ == "__main__":
    main()
