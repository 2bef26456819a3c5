#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
Every name liburing's installed headers define, used against ours.

    liburing-names.py THEIRS OURS WORKDIR

THEIRS and OURS are include directories, each holding liburing.h and
liburing/.  The names are read from THEIRS with the compiler's help:
`cc -E -dD` gives every macro and, through its line markers, which file
each declaration comes from; `cc -aux-info` gives every function's
prototype.  Struct, union and enum bodies are read from the preprocessed
text.  Nothing of THEIRS is copied: only the names and prototypes are
used, to write a program that needs each of them and compile it against
OURS:

  macro     #ifndef NAME / #error
  function  its type, including noexcept as C++17, equals theirs
  struct    sizeof, and offsetof of every member reachable by name
  enum      every enumerator, and the enum type
  typedef   sizeof

Each use is on a line of its own, so a compiler error names the item.
Prints a line for each item missing or different, then counts per kind.
Exit status 1 when anything is missing or different, 2 on a usage or
tool error.
"""
import os
import re
import subprocess
import sys

CC = os.environ.get("CC", "cc")
CXX = os.environ.get("CXX", "c++")


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def headers(inc):
    """The installed headers under INC, as #include names."""
    names = []
    for root, _, files in os.walk(inc):
        for f in files:
            if f.endswith(".h"):
                rel = os.path.relpath(os.path.join(root, f), inc)
                names.append(rel)
    return sorted(names, key=lambda n: (n != "liburing.h", n))


def preprocess(inc, names, workdir):
    src = os.path.join(workdir, "theirs.c")
    with open(src, "w") as f:
        f.write("#define _GNU_SOURCE\n")
        for n in names:
            f.write("#include <%s>\n" % n)
    extra = os.environ.get("LIBURING_NAMES_CFLAGS", "").split()
    res = run([CC, "-E", "-dD", "-I", inc] + extra + [src])
    if res.returncode:
        sys.exit("liburing-names: their headers do not preprocess:\n" +
                 res.stderr)
    aux = os.path.join(workdir, "theirs.aux")
    res2 = run([CC, "-I", inc] + extra + ["-aux-info", aux, "-c", src,
                "-o", os.devnull])
    if res2.returncode:
        sys.exit("liburing-names: their headers do not compile:\n" +
                 res2.stderr)
    with open(aux) as f:
        return res.stdout, f.read()


def theirs_only(pp, inc):
    """Macros defined and C text written in INC's files."""
    inc = os.path.realpath(inc)
    macros = {}
    text = []
    mine = False
    for line in pp.splitlines():
        m = re.match(r'# \d+ "([^"]*)"', line)
        if m:
            path = m.group(1)
            mine = (not path.startswith("<") and
                    os.path.realpath(path).startswith(inc + os.sep))
            continue
        if not mine:
            continue
        m = re.match(r"#define (\w+)(\(?)(.*)", line)
        if m:
            macros[m.group(1)] = (m.group(2) == "(", m.group(3).strip())
            continue
        if line.startswith("#"):
            continue
        text.append(line)
    return macros, "\n".join(text)


def header_guards(macros):
    """Include guards: empty macros named like a header."""
    return {n for n, (fn, body) in macros.items()
            if not fn and not body and re.search(r"_H_?$", n)}


def functions(aux, inc):
    inc = os.path.realpath(inc)
    out = {}
    for line in aux.splitlines():
        m = re.match(r"/\* (\S+):\d+:\w+ \*/ (?:extern |static )?(.*?);", line)
        if not m:
            continue
        if not os.path.realpath(m.group(1)).startswith(inc + os.sep):
            continue
        decl = m.group(2)
        m = re.match(r"(.*?\W)(\w+) \((.*)\)$", decl)
        if not m:
            continue
        ret, name, params = m.group(1).strip(), m.group(2), m.group(3)
        out[name] = (ret, params)
    return out


def strip_attrs(text):
    text = re.sub(r"__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)", "",
                  text)
    return text.replace("__extension__", "")


def aggregates(text):
    """struct/union tags with their member paths; enums; typedef names."""
    text = strip_attrs(text)
    structs = {}
    enums = {}
    typedefs = set()
    tok = re.findall(r"[A-Za-z_]\w*|\d\w*|\S", text)
    i = 0

    def body(j):
        """Index of the '}' closing the '{' at j."""
        depth = 0
        while j < len(tok):
            if tok[j] == "{":
                depth += 1
            elif tok[j] == "}":
                depth -= 1
                if depth == 0:
                    return j
            j += 1
        return j

    def members(a, b, prefix, out):
        """Members of the aggregate body tok[a:b] (between braces)."""
        j = a
        while j < b:
            if tok[j] in ("struct", "union") and \
               (tok[j + 1] == "{" or tok[j + 2] == "{"):
                k = j + 1 if tok[j + 1] == "{" else j + 2
                if tok[k - 1] != tok[j] and k == j + 2:
                    record(tok[j + 1], k)
                end = body(k)
                # "} name;" or "};" (anonymous: members are reachable)
                after = end + 1
                names = []
                while after < b and tok[after] != ";":
                    if re.match(r"[A-Za-z_]\w*$", tok[after]):
                        names.append(tok[after])
                    after += 1
                if names:
                    for n in names:
                        out.append(prefix + n)
                        members(k + 1, end, prefix + n + ".", out)
                else:
                    members(k + 1, end, prefix, out)
                j = after + 1
                continue
            # an ordinary member declaration up to ';'
            e = j
            while e < b and tok[e] != ";":
                e += 1
            decl = tok[j:e]
            j = e + 1
            if not decl or decl[0] in ("static_assert", "_Static_assert"):
                continue
            # one name per declarator: "int a, b[2], c : 3;",
            # "void (*fn)(int);"
            parts, depth, cur = [], 0, []
            for t in decl:
                if t in "([{":
                    depth += 1
                elif t in ")]}":
                    depth -= 1
                if t == "," and depth == 0:
                    parts.append(cur)
                    cur = []
                else:
                    cur.append(t)
            parts.append(cur)
            for part in parts:
                name = None
                if "(" in part and part.index("(") + 2 < len(part) and \
                   part[part.index("(") + 1] == "*":
                    name = part[part.index("(") + 2]
                else:
                    for t in part:
                        if t in ("[", ":"):
                            break
                        name = t
                if name and re.match(r"[A-Za-z_]\w*$", name):
                    out.append(prefix + name)

    def record(tag, k):
        end = body(k)
        out = []
        members(k + 1, end, "", out)
        structs[tag] = out

    while i < len(tok):
        t = tok[i]
        if t in ("struct", "union") and i + 2 < len(tok) and \
           re.match(r"[A-Za-z_]\w*$", tok[i + 1]) and tok[i + 2] == "{":
            record(tok[i + 1], i + 2)
            end = body(i + 2)
            # nested tagged aggregates were recorded through members()
            i = end + 1
            continue
        if t == "enum":
            tag = None
            k = i + 1
            if re.match(r"[A-Za-z_]\w*$", tok[k]):
                tag = tok[k]
                k += 1
            if k < len(tok) and tok[k] == "{":
                end = body(k)
                consts = []
                expect = True
                depth = 0
                for t2 in tok[k + 1:end]:
                    if t2 in "([{":
                        depth += 1
                    elif t2 in ")]}":
                        depth -= 1
                    elif t2 == "," and depth == 0:
                        expect = True
                    elif expect and re.match(r"[A-Za-z_]\w*$", t2):
                        consts.append(t2)
                        expect = False
                enums[tag or "<anonymous>@%d" % i] = (tag, consts)
                i = end + 1
                continue
        if t == "typedef":
            e = i
            depth = 0
            while e < len(tok) and not (tok[e] == ";" and depth == 0):
                if tok[e] in "({[":
                    depth += 1
                elif tok[e] in ")}]":
                    depth -= 1
                e += 1
            decl = tok[i:e]
            name = None
            if "(" in decl and decl[decl.index("(") + 1] == "*":
                name = decl[decl.index("(") + 2]
            else:
                name = decl[-1]
            if name and re.match(r"[A-Za-z_]\w*$", name):
                typedefs.add(name)
            # a typedef of a tagged struct body still records the struct
            if len(decl) > 3 and decl[1] in ("struct", "union") and \
               decl[3] == "{":
                record(decl[2], i + 3)
            i = e + 1
            continue
        i += 1
    return structs, enums, typedefs


class Program:
    """Generated source, one item per line, remembering which is which."""

    def __init__(self, prologue):
        self.lines = list(prologue)
        self.items = {}

    def add(self, kind, name, *text):
        for t in text:
            self.lines.append(t)
            self.items[len(self.lines)] = (kind, name)

    def write(self, path):
        with open(path, "w") as f:
            f.write("\n".join(self.lines) + "\n")


def compile_errors(cmd, path, prog):
    """(kind, name) -> first error message, for the lines that fail."""
    res = run(cmd)
    bad = {}
    other = []
    base = os.path.basename(path)
    for line in res.stderr.splitlines():
        m = re.match(r"(.*?):(\d+):(?:\d+:)? (?:fatal )?error: (.*)", line)
        if not m:
            continue
        if os.path.basename(m.group(1)) != base:
            other.append(line)
            continue
        item = prog.items.get(int(m.group(2)))
        if item is None:
            other.append(line)
        elif item not in bad:
            bad[item] = m.group(3)
    if res.returncode and not bad and not other:
        other = res.stderr.splitlines()[:20]
    return bad, other


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    theirs, ours, workdir = sys.argv[1:]
    os.makedirs(workdir, exist_ok=True)
    names = headers(theirs)
    pp, aux = preprocess(theirs, names, workdir)
    macros, text = theirs_only(pp, theirs)
    guards = header_guards(macros)
    funcs = functions(aux, theirs)
    structs, enums, typedefs = aggregates(text)
    enum_consts = {c for _, cs in enums.values() for c in cs}

    counts = {}
    missing_headers = [n for n in names
                       if not os.path.exists(os.path.join(ours, n))]
    prologue = ["#define _GNU_SOURCE"] + \
        ["#include <%s>" % n for n in names if n not in missing_headers] + \
        ["#include <stddef.h>", ""]
    c = Program(prologue)

    def count(kind):
        counts.setdefault(kind, [0, 0])
        counts[kind][0] += 1

    for n in sorted(macros):
        if n in guards or n in funcs or n in enum_consts:
            continue
        count("macro")
        c.add("macro", n, "#ifndef %s" % n, "#error \"%s\"" % n)
        c.lines.append("#endif")
    for n, (ret, params) in sorted(funcs.items()):
        count("function")
        c.add("function", n,
              "_Static_assert(__builtin_types_compatible_p(__typeof__(&%s),"
              " %s (*)(%s)), \"%s\");" % (n, ret, params, n))
    for tag, members in sorted(structs.items()):
        count("struct")
        c.add("struct", tag,
              "_Static_assert(sizeof(struct %s) > 0, \"%s\");" % (tag, tag))
        for m in members:
            count("member")
            c.add("member", "%s.%s" % (tag, m),
                  "_Static_assert(__builtin_offsetof(struct %s, %s) < "
                  "(size_t) -1, \"%s.%s\");" % (tag, m, tag, m))
    for key, (tag, consts) in sorted(enums.items()):
        if tag:
            count("enum")
            c.add("enum", tag,
                  "_Static_assert(sizeof(enum %s) > 0, \"%s\");" % (tag, tag))
        for n in consts:
            count("enumerator")
            c.add("enumerator", n,
                  "_Static_assert(sizeof(%s) > 0, \"%s\");" % (n, n))
    for n in sorted(typedefs):
        count("typedef")
        c.add("typedef", n,
              "_Static_assert(sizeof(%s) > 0, \"%s\");" % (n, n))
    c.lines.append("int liburing_names;")
    cpath = os.path.join(workdir, "names.c")
    c.write(cpath)
    bad, other = compile_errors(
        [CC, "-std=gnu11", "-fmax-errors=0", "-w", "-I", ours, "-c", cpath,
         "-o", os.devnull], cpath, c)

    # C++17: the same prototypes, each noexcept, as liburing declares them.
    cxx = Program(prologue[1:] + ["#include <type_traits>", ""])
    for n, (ret, params) in sorted(funcs.items()):
        r = re.sub(r"\b_Bool\b", "bool", ret)
        p = re.sub(r"\b_Bool\b", "bool", params)
        cxx.add("noexcept", n,
                "static_assert(std::is_same<decltype(&%s), %s (*)(%s) "
                "noexcept>::value, \"%s\");" % (n, r, p, n))
    cxx.lines.append("int liburing_names;")
    xpath = os.path.join(workdir, "names.cc")
    cxx.write(xpath)
    xbad, xother = compile_errors(
        [CXX, "-std=c++17", "-fmax-errors=0", "-w", "-I", ours, "-c", xpath,
         "-o", os.devnull], xpath, cxx)
    counts["noexcept"] = [len(funcs), 0]
    for (kind, name), msg in xbad.items():
        if ("function", name) not in bad:
            bad[(kind, name)] = msg

    counts["header"] = [len(names), len(missing_headers)]
    for n in missing_headers:
        print("missing  %-10s %s" % ("header", n))
    for (kind, name), msg in sorted(bad.items()):
        if kind == "function" and "undeclared" not in msg:
            kind = "prototype"
        if kind in ("function", "struct", "enum", "typedef", "macro",
                    "enumerator", "member"):
            what = "missing"
        else:
            what = "differs"
        key = kind if kind not in ("prototype",) else "function"
        counts.setdefault(key, [0, 0])
        counts[key][1] += 1
        print("%-8s %-10s %-40s %s" % (what, kind, name,
                                         msg if what == "differs" else ""))
    for line in other + xother:
        print("error    " + line)
    total = sum(v[1] for v in counts.values())
    summary = ", ".join("%s %d/%d" % (k, v[1], v[0])
                        for k, v in sorted(counts.items()))
    print("check-liburing-names: %d of %d names missing or different "
          "(%s; missing/checked)" %
          (total, sum(v[0] for v in counts.values()), summary))
    return 1 if total or other or xother else 0


if __name__ == "__main__":
    sys.exit(main())
