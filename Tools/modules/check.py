#!/usr/bin/env python3
"""Checks the package's module structure against the README and the layering rules.

    Tools/modules/check.py [PATH_TO_DUMP_PACKAGE_JSON]

Reads `swift package dump-package` (run in the repository, or the JSON file given) and the
module table of README.md (between `<!-- modules:begin -->` and `<!-- modules:end -->`), and
fails (exit 1, naming each difference) when:
  - a module of the package (library or executable target, not a test) is missing from the
    table, or the table lists one the package does not have;
  - a row's "depends on" column is not the module's direct dependencies within the package;
  - Quoting or Risk depends on anything but Market;
  - a module marked pure in the table depends, directly or through other modules, on a product
    of swift-nio or swift-nio-ssl;
  - the layered diagram below the table (the code block after "Layered") does not show every
    module once, on a level above each of its dependencies, in the column its purity says (left
    of `|` pure, right of it on SwiftNIO).
Prints one line per check and `modules: N checked, all as documented` when all hold.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NIO_PACKAGES = {"swift-nio", "swift-nio-ssl"}
VOCABULARY_ONLY = {"Quoting": {"Market"}, "Risk": {"Market"}}


def load_package():
    if len(sys.argv) > 1:
        with open(sys.argv[1]) as f:
            return json.load(f)
    out = subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def dependencies(target):
    """(targets within the package, external products as (product, package))."""
    inner, outer = set(), set()
    for d in target.get("dependencies", []):
        kind, value = next(iter(d.items()))
        if kind in ("byName", "target"):
            inner.add(value[0])
        elif kind == "product":
            outer.add((value[0], value[1]))
    return inner, outer


def readme_table():
    text = open(os.path.join(ROOT, "README.md")).read()
    m = re.search(r"<!-- modules:begin -->(.*?)<!-- modules:end -->", text, re.S)
    if not m:
        sys.exit("check.py: README.md has no module table between <!-- modules:begin --> and <!-- modules:end -->")
    rows = {}
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[0].startswith("`"):
            continue
        name = cells[0].strip("`")
        deps = set() if cells[1] in ("", "-") else {d.strip().strip("`") for d in cells[1].split(",")}
        rows[name] = (deps, cells[2].lower() == "yes")
    return rows


def diagram_levels():
    """{module: (level, pure column)} from the layered diagram after the table."""
    text = open(os.path.join(ROOT, "README.md")).read()
    m = re.search(r"<!-- modules:end -->.*?Layered[^\n]*\n+```\n(.*?)```", text, re.S)
    if not m:
        sys.exit("check.py: README.md has no layered diagram (a code block after 'Layered') below the module table")
    placed, level = {}, None
    for line in m.group(1).splitlines():
        head = re.match(r"\s*(\d+)\s", line)
        if head:
            level = int(head.group(1))
            line = line[head.end():]
        if level is None:
            continue
        left, _, right = line.partition("|")
        for column, pure in ((left, True), (right, False)):
            # Module names outside brackets (the brackets list dependencies).
            for name in re.findall(r"[A-Za-z][\w-]*", re.sub(r"\([^)]*\)", "", column)):
                placed.setdefault(name, []).append((level, pure))
    return placed


def main():
    package = load_package()
    targets = {t["name"]: t for t in package["targets"]}
    modules = {n for n, t in targets.items() if t["type"] in ("regular", "executable", "system")
               and not t.get("path", "").startswith("Tests")}
    table = readme_table()
    problems = []
    for name in sorted(modules - table.keys()):
        problems.append(f"{name}: a module of the package missing from README.md's module table")
    for name in sorted(table.keys() - modules):
        problems.append(f"{name}: in README.md's module table but not a module of the package")

    def nio_path(name, seen=()):
        """A chain of modules from `name` to a NIO product, or None."""
        inner, outer = dependencies(targets[name])
        for product, pkg in sorted(outer):
            if pkg in NIO_PACKAGES:
                return [name, f"{product} ({pkg})"]
        for dep in sorted(inner):
            if dep in targets and dep not in seen:
                path = nio_path(dep, seen + (name,))
                if path:
                    return [name] + path
        return None

    for name in sorted(modules & table.keys()):
        inner, _ = dependencies(targets[name])
        documented, pure = table[name]
        if inner != documented:
            missing = ", ".join(sorted(inner - documented)) or "none"
            extra = ", ".join(sorted(documented - inner)) or "none"
            problems.append(f"{name}: depends on {', '.join(sorted(inner)) or 'nothing'}; README.md says "
                            f"{', '.join(sorted(documented)) or 'nothing'} (not listed: {missing}; listed wrongly: {extra})")
        if name in VOCABULARY_ONLY and not inner <= VOCABULARY_ONLY[name]:
            problems.append(f"{name}: must depend on Market alone, depends on {', '.join(sorted(inner))}")
        if pure:
            path = nio_path(name)
            if path:
                problems.append(f"{name}: marked pure but depends on NIO: {' -> '.join(path)}")
    placed = diagram_levels()
    names = {n.replace("_", "-"): n for n in modules}
    for shown in sorted(placed.keys() - names.keys()):
        problems.append(f"{shown}: in README.md's diagram but not a module of the package")
    for shown, name in sorted(names.items()):
        spots = placed.get(shown, [])
        if len(spots) != 1:
            problems.append(f"{shown}: shown {len(spots)} times in README.md's diagram (once expected)")
            continue
        level, pure = spots[0]
        if name in table and table[name][1] != pure:
            problems.append(f"{shown}: in the diagram's {'pure' if pure else 'NIO'} column, but the table says otherwise")
        inner, _ = dependencies(targets[name])
        for dep in sorted(inner):
            dep_spots = placed.get(dep.replace("_", "-"), [])
            if len(dep_spots) == 1 and dep_spots[0][0] >= level:
                problems.append(f"{shown}: on level {level} of the diagram, not above its dependency {dep} (level {dep_spots[0][0]})")
    for p in problems:
        print("FAIL " + p)
    if problems:
        print(f"modules: {len(problems)} difference(s)")
        return 1
    pure = sorted(n for n in modules if table.get(n, (None, False))[1])
    print(f"PASS every module of the package is in README.md's table with its dependencies ({len(modules)})")
    print("PASS Quoting and Risk depend on Market alone")
    print("PASS the layered diagram shows each module once, above its dependencies, in its column")
    print(f"PASS no NIO below the pure modules ({', '.join(pure)})")
    print(f"modules: {len(modules)} checked, all as documented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
