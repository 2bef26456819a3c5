#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Compare the io_uring ABI of two sets of headers: the kernel's uapi
# (<linux/io_uring.h>, <linux/io_uring/*.h>) and ours (<liburing/io_uring.h>,
# <liburing/io_uring/*.h>).
#
#   compare.py --kernel-root DIR --ours DIR [--cc CC] [--clang CLANG]
#              [--work DIR] [--strict]
#
# Names come from the headers themselves, not from a list kept here:
#  - object-like macros: "clang -E -dM" of a file including the headers,
#    minus the same of a file including only what they include
#    (<linux/types.h> and friends), so nothing outside io_uring counts;
#  - enum constants, named enums and structs/unions: clang's JSON syntax
#    tree, with the same subtraction.
# For every kernel name that ours also has, a generated C program prints its
# value (macros, enum constants: value, size and signedness of the type) or
# its layout (sizeof, alignof; per field, through anonymous and nested
# members: offset, size, signedness; element size for arrays).  The program
# is compiled and run once against each side and the outputs compared.
#
# Exit status: 1 when a value or layout differs (a wrong value is a bug on
# any date) or the programs do not build; a kernel name that ours lacks is
# listed and counted, and fails only with --strict.

import argparse
import glob
import json
import os
import subprocess
import sys

DEPS = ("linux/types.h", "linux/fs.h", "linux/time_types.h")


def run(cmd, **kw):
	res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
			     universal_newlines=True, **kw)
	if res.returncode != 0:
		sys.stderr.write("check-uapi: %s failed:\n%s" %
				 (" ".join(cmd), res.stderr))
		sys.exit(2)
	return res.stdout


class Side:
	"""One set of headers: how to include them and what they define."""

	def __init__(self, label, cflags, headers, work):
		self.label = label
		self.cflags = cflags
		self.headers = headers
		self.work = work

	def source(self, name, with_headers):
		path = os.path.join(self.work, "%s-%s.c" % (self.label, name))
		with open(path, "w") as f:
			for h in DEPS + (self.headers if with_headers else ()):
				f.write("#include <%s>\n" % h)
		return path

	def macros(self, clang, src):
		out = run([clang, "-E", "-dM"] + self.cflags + [src])
		found = {}
		for line in out.splitlines():
			parts = line.split(None, 2)
			if len(parts) < 2 or parts[0] != "#define":
				continue
			name = parts[1]
			if "(" in name:
				continue	# function-like
			found[name] = parts[2] if len(parts) > 2 else ""
		return found

	def ast(self, clang, src):
		out = run([clang, "-fsyntax-only", "-Xclang", "-ast-dump=json"] +
			  self.cflags + [src])
		return json.loads(out).get("inner", [])

	def load(self, clang):
		base_src = self.source("base", False)
		full_src = self.source("full", True)
		base_macros = self.macros(clang, base_src)
		self.macro_values = {}
		for name, body in self.macros(clang, full_src).items():
			if name in base_macros:
				continue
			if body == "":
				continue	# include guards and markers
			self.macro_values[name] = body
		base = declared(self.ast(clang, base_src))
		full = declared(self.ast(clang, full_src))
		self.constants = [c for c in full["constants"]
				  if c not in base["constants"]]
		self.enums = [e for e in full["enums"] if e not in base["enums"]]
		self.records = {}
		for key, node in full["records"].items():
			if key not in base["records"]:
				self.records[key] = fields(node)

	def names(self):
		return set(self.macro_values) | set(self.constants)


def declared(nodes):
	"""Enum constants, named enums and named complete records at top level."""
	seen = {"constants": [], "enums": [], "records": {}}
	for node in nodes:
		kind = node.get("kind")
		if kind == "EnumDecl":
			if node.get("name"):
				seen["enums"].append(node["name"])
			for c in node.get("inner", []):
				if c.get("kind") == "EnumConstantDecl":
					seen["constants"].append(c["name"])
		elif kind == "RecordDecl" and node.get("name") and \
				node.get("completeDefinition"):
			key = "%s %s" % (node["tagUsed"], node["name"])
			seen["records"][key] = node
	return seen


def is_anonymous_type(qual):
	return "(anonymous" in qual or "(unnamed" in qual


def fields(record, prefix=""):
	"""Every field path of a record, descending into unnamed members.

	Each entry is (path, kind, scalar): kind is "field", "array" or "flex";
	scalar says whether the field (or the array element) is an integer, so
	that its signedness means something.
	"""
	out = []
	last_record = None
	for node in record.get("inner", []):
		kind = node.get("kind")
		if kind == "RecordDecl":
			last_record = node
			continue
		if kind != "FieldDecl":
			continue
		qual = node["type"].get("qualType", "")
		desugared = node["type"].get("desugaredQualType", qual)
		name = node.get("name")
		if name and name.startswith("__empty_"):
			continue	# the kernel's __DECLARE_FLEX_ARRAY padding
		path = prefix + name if name else None
		if is_anonymous_type(qual) and last_record is not None:
			if path:
				out.append((path, "field", False))
				out.extend(fields(last_record, path + "."))
			else:
				out.extend(fields(last_record, prefix))
			continue
		aggregate = desugared.startswith(("struct ", "union "))
		if qual.endswith("[]") or qual.endswith("[0]"):
			out.append((path, "flex", not aggregate))
		elif qual.endswith("]"):
			out.append((path, "array", not aggregate))
		else:
			out.append((path, "field", not aggregate))
	return out


def c_string(s):
	return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def program(headers, macros, constants, enums, records):
	"""C source printing "key value" for every item both sides define."""
	lines = ["#include <stddef.h>", "#include <stdio.h>"]
	lines += ["#include <%s>" % h for h in DEPS + headers]
	lines += [
		"#define SIGNED(x) ((x) - (x) - 1 < 0)",
		"#define P(key, val) printf(\"%s %llu\\n\", key, "
		"(unsigned long long)(val))",
		"int main(void)", "{"]
	for name in macros + constants:
		s = c_string(name)
		lines.append("\tP(%s \" value\", %s);" % (s, name))
		lines.append("\tP(%s \" size\", sizeof(%s));" % (s, name))
		lines.append("\tP(%s \" signed\", SIGNED(%s));" % (s, name))
	for name in enums:
		lines.append("\tP(\"enum %s size\", sizeof(enum %s));" %
			     (name, name))
	for key, flist in records:
		k = c_string(key)
		lines.append("\tP(%s \" size\", sizeof(%s));" % (k, key))
		lines.append("\tP(%s \" align\", _Alignof(%s));" % (k, key))
		for path, kind, scalar in flist:
			f = c_string(key + "." + path)
			member = "((%s *)0)->%s" % (key, path)
			lines.append("\tP(%s \" offset\", offsetof(%s, %s));" %
				     (f, key, path))
			elem = member
			if kind in ("array", "flex"):
				elem = member + "[0]"
				lines.append("\tP(%s \" element\", sizeof(%s));" %
					     (f, elem))
			if kind != "flex":
				lines.append("\tP(%s \" size\", sizeof(%s));" %
					     (f, member))
			if scalar:
				lines.append("\tP(%s \" signed\", SIGNED(%s));" %
					     (f, elem))
	lines += ["\treturn 0;", "}", ""]
	return "\n".join(lines)


def measure(side, cc, source):
	src = os.path.join(side.work, "values-%s.c" % side.label)
	exe = os.path.join(side.work, "values-%s" % side.label)
	with open(src, "w") as f:
		f.write(source)
	run([cc, "-std=gnu11", "-w", "-o", exe, src] + side.cflags)
	values = {}
	for line in run([exe]).splitlines():
		key, val = line.rsplit(" ", 1)
		values[key] = int(val)
	return values


def main():
	ap = argparse.ArgumentParser()
	ap.add_argument("--kernel-root", required=True,
			help="directory holding linux/io_uring.h")
	ap.add_argument("--ours", required=True,
			help="directory holding liburing/io_uring.h")
	ap.add_argument("--cc", default="cc")
	ap.add_argument("--clang", default="clang")
	ap.add_argument("--work", default="build/uapi")
	ap.add_argument("--strict", action="store_true",
			help="a missing name fails too")
	args = ap.parse_args()
	os.makedirs(args.work, exist_ok=True)

	multiarch = run([args.cc, "-print-multiarch"]).strip()
	kroot = args.kernel_root
	kflags = ["-I" + kroot]
	if multiarch:
		kflags.append("-I" + os.path.join(kroot, multiarch))
	kheaders = ["linux/" + os.path.basename(p) for p in
		    sorted(glob.glob(os.path.join(kroot, "linux/io_uring*.h")))]
	kheaders += ["linux/io_uring/" + os.path.basename(p) for p in
		     sorted(glob.glob(os.path.join(kroot, "linux/io_uring/*.h")))]
	oheaders = ["liburing/io_uring.h"]
	oheaders += ["liburing/io_uring/" + os.path.basename(p) for p in
		     sorted(glob.glob(os.path.join(args.ours,
						   "liburing/io_uring/*.h")))]

	kernel = Side("kernel", kflags, tuple(kheaders), args.work)
	ours = Side("ours", ["-I" + args.ours], tuple(oheaders), args.work)
	kernel.load(args.clang)
	ours.load(args.clang)

	missing = []
	our_names = ours.names()
	macros = [n for n in sorted(kernel.macro_values) if n in our_names]
	constants = [n for n in kernel.constants if n in our_names]
	missing += ["name %s" % n for n in sorted(kernel.macro_values)
		    if n not in our_names]
	missing += ["name %s" % n for n in kernel.constants
		    if n not in our_names]
	enums = [e for e in kernel.enums if e in ours.enums]
	missing += ["enum %s" % e for e in kernel.enums if e not in ours.enums]
	records = []
	nfields = 0
	for key, kfields in kernel.records.items():
		if key not in ours.records:
			missing.append(key)
			continue
		have = set(p for p, _, _ in ours.records[key])
		common = []
		for entry in kfields:
			if entry[0] in have:
				common.append(entry)
			else:
				missing.append("field %s.%s" % (key, entry[0]))
		nfields += len(common)
		records.append((key, common))

	extra = sorted(n for n in our_names
		       if n not in kernel.names() and not n.startswith("LIBURING"))
	extra += sorted(k for k in ours.records if k not in kernel.records)

	kvals = measure(kernel, args.cc,
			program(kernel.headers, macros, constants, enums, records))
	ovals = measure(ours, args.cc,
			program(ours.headers, macros, constants, enums, records))
	differ = []
	for key in kvals:
		if kvals[key] != ovals.get(key):
			differ.append("%s: kernel %d, ours %s" %
				      (key, kvals[key], ovals.get(key)))

	for m in missing:
		print("missing: " + m)
	for d in differ:
		print("differs: " + d)
	for e in extra:
		print("only ours: " + e)
	print("check-uapi: %d names, %d enums, %d structs with %d fields "
	      "compared (%d values); %d missing, %d differ, %d only ours" %
	      (len(macros) + len(constants), len(enums), len(records), nfields,
	       len(kvals), len(missing), len(differ), len(extra)))
	if differ or (args.strict and missing):
		return 1
	return 0


if __name__ == "__main__":
	sys.exit(main())
