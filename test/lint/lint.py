#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
Static analysis of src/ and include/: cppcheck, clang-tidy (the checks of
test/lint/.clang-tidy) and gcc -fanalyzer.  Findings listed in
test/lint/suppressions are dropped; any other fails the run.

    python3 test/lint/lint.py [-j JOBS]

src/ffi.c instantiates every inline helper of include/liburing.h, so the
header is analysed through it as well as through the other sources.
"""
import concurrent.futures
import glob
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
DEFS = ["-D_GNU_SOURCE", "-Iinclude", "-Isrc"]
SOURCES = sorted(glob.glob("src/*.c"))
FUNC_DEF = re.compile(r"^[A-Za-z_][^;=()]*?\b([A-Za-z_]\w*)\s*\(")


def enclosing_function(path, line):
    """Name of the kernel-style function definition around path:line."""
    try:
        with open(os.path.join(TOP, path)) as f:
            lines = f.readlines()
    except OSError:
        return "?"
    for i in range(min(line, len(lines)) - 1, -1, -1):
        text = lines[i]
        m = FUNC_DEF.match(text)
        if m and not text.rstrip().endswith(";"):
            return m.group(1)
    return "?"


def rel(path):
    path = os.path.normpath(os.path.join(TOP, path))
    return os.path.relpath(path, TOP)


def run_cppcheck():
    cmd = ["cppcheck", "--enable=warning,style,performance,portability",
           "--std=c11", "--quiet", "--inline-suppr",
           "--suppress=missingIncludeSystem", "-D__x86_64__",
           "--template={file}:{line}:{column}: {severity}: {message} [{id}]"
           ] + DEFS + ["src/", "include/"]
    out = subprocess.run(cmd, cwd=TOP, capture_output=True, text=True)
    findings = []
    for text in out.stderr.splitlines():
        m = re.match(r"(.+?):(\d+):\d+: \w+: (.*) \[(\S+)\]$", text)
        if m:
            path, line = rel(m.group(1)), int(m.group(2))
            findings.append(("cppcheck", m.group(4), path, line,
                             enclosing_function(path, line), m.group(3)))
        elif text.strip() and not text.startswith(("Checking", " ", "^")):
            findings.append(("cppcheck", "output", "-", 0, "?", text))
    return findings


def tidy_one(src):
    cmd = ["clang-tidy", "--quiet",
           "--config-file=" + os.path.join(HERE, ".clang-tidy"), src,
           "--"] + DEFS
    out = subprocess.run(cmd, cwd=TOP, capture_output=True, text=True)
    findings = []
    for text in out.stdout.splitlines():
        m = re.match(r"(.+?):(\d+):\d+: (warning|error): (.*) \[(\S+)\]$",
                     text)
        if m:
            path, line = rel(m.group(1)), int(m.group(2))
            findings.append(("clang-tidy", m.group(5), path, line,
                             enclosing_function(path, line), m.group(4)))
    return findings


def analyzer_one(job):
    # At -O2 inlining shows paths through the helpers; at -O0 nothing is
    # optimised away before the analyzer sees it.
    src, opt = job
    cmd = ["gcc", "-fanalyzer", "-fdiagnostics-format=json", opt,
           "-Wall", "-Wextra", "-Wno-unused-parameter", "-c", "-o",
           os.devnull, src] + DEFS
    out = subprocess.run(cmd, cwd=TOP, capture_output=True, text=True)
    findings = []
    try:
        diags = json.loads(out.stderr or "[]")
    except json.JSONDecodeError:
        return [("gcc-analyzer", "output", src, 0, "?", out.stderr[:500])]
    for d in diags:
        if d.get("kind") not in ("warning", "error"):
            continue
        loc = d["locations"][0]["caret"]
        # The functions the path goes through, in order, each once.
        func = []
        for event in d.get("path") or []:
            name = event.get("function", "?")
            if name not in func:
                func.append(name)
        if not func:
            func = [enclosing_function(rel(loc["file"]), loc["line"])]
        func = ">".join(func)
        findings.append(("gcc-analyzer", d.get("option") or d["kind"],
                         rel(loc["file"]), loc["line"], func, d["message"]))
    return findings


def load_suppressions():
    rules = []
    with open(os.path.join(HERE, "suppressions")) as f:
        for text in f:
            text = text.split("#", 1)[0].split()
            if text:
                rules.append(tuple(text[:3]))
    return rules


def main():
    jobs = 2
    if len(sys.argv) > 2 and sys.argv[1] == "-j":
        jobs = int(sys.argv[2])
    os.chdir(TOP)
    findings = run_cppcheck()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for res in pool.map(tidy_one, SOURCES):
            findings += res
        for res in pool.map(analyzer_one, [(s, o) for s in SOURCES
                                           for o in ("-O0", "-O2")]):
            findings += res

    # The same header finding comes through several sources: once is enough.
    findings = sorted(set(findings), key=lambda f: (f[0], f[2], f[3], f[1]))
    rules = load_suppressions()
    used = set()
    counts = {"cppcheck": 0, "clang-tidy": 0, "gcc-analyzer": 0}
    suppressed = 0
    for tool, check, path, line, func, msg in findings:
        rule = next((r for r in rules if r[0] == tool and r[1] == check and
                     (r[2] == "*" or r[2] in func.split(">"))), None)
        if rule:
            used.add(rule)
            suppressed += 1
            continue
        counts[tool] += 1
        print("%s:%d: %s [%s] in %s(): %s" % (path, line, tool, check, func,
                                              msg))
    for r in rules:
        if r not in used:
            print("note: suppression no longer needed: %s" % " ".join(r))
    total = sum(counts.values())
    print("lint: %d findings (cppcheck %d, clang-tidy %d, gcc -fanalyzer %d),"
          " %d suppressed" % (total, counts["cppcheck"], counts["clang-tidy"],
                              counts["gcc-analyzer"], suppressed))
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
