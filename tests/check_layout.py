#!/usr/bin/env python3
"""The walls between the parts of asc, checked: tests/check_layout.py SOURCE_DIR [BUILD_DIR].

The walls are written once, in cmake/parts.table (CMake builds the libraries from it). This check
fails, naming the file and line, when
  - a file of one part includes a header of a part it may not use (`#include "asc/<part>/..."`),
  - a file includes a third-party library's header that its part does not own,
  - (with BUILD_DIR) a part's static library references a third-party library's symbols that its
    part does not own (`nm -u`), e.g. the CLI calling sqlite3_* instead of going through the store,
  - the README's Architecture table differs from cmake/parts.table.
"""
import pathlib
import re
import subprocess
import sys

# Third-party headers and symbols, by the CMake target that owns them in the table.
HEADERS = {
    "CURL::libcurl": re.compile(r"^curl/"),
    "PkgConfig::SQLITE3": re.compile(r"^sqlite3\.h$"),
    "pugixml::pugixml": re.compile(r"^pugixml\.hpp$"),
    "PkgConfig::TOMLPP": re.compile(r"^toml\+\+/"),
    "PkgConfig::JQ": re.compile(r"^(jq|jv)\.h$"),
    "ZLIB::ZLIB": re.compile(r"^zlib\.h$"),
    "PkgConfig::HTTPLIB": re.compile(r"^httplib\.h$"),
    "CLI11::CLI11": re.compile(r"^CLI/"),
    "PkgConfig::PQ": re.compile(r"^libpq-fe\.h$"),
}
SYMBOLS = {
    "CURL::libcurl": re.compile(r"^curl_"),
    "PkgConfig::SQLITE3": re.compile(r"^sqlite3_"),
    "pugixml::pugixml": re.compile(r"^pugi::"),
    "PkgConfig::JQ": re.compile(r"^(jq|jv)_"),
    "ZLIB::ZLIB": re.compile(r"^(inflate|deflate)"),
    "PkgConfig::PQ": re.compile(r"^PQ"),
}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def read_table(root):
    parts = {}
    for line in (root / "cmake" / "parts.table").read_text().splitlines():
        if not re.match(r"^[a-z]", line):
            continue
        name, uses, libs = (c.strip() for c in line.split("|"))
        parts[name] = {
            "uses": set() if uses == "-" else set(uses.split()),
            "libs": set() if libs == "-" else set(libs.split()),
        }
    return parts


def files_of(root, part):
    if part == "cli":
        dirs = [root / "src" / "cli"]
    elif part == "sim":
        dirs = [root / "src" / "sim"]
    elif part == "model":
        dirs = [root / "src" / "model", root / "include" / "asc" / "model"]
    else:
        dirs = [root / "src" / "core" / part, root / "include" / "asc" / part]
    for d in dirs:
        yield from sorted(p for p in d.rglob("*") if p.suffix in (".cpp", ".hpp"))


def check_includes(root, parts, errors):
    known = set(parts)
    for part, rule in parts.items():
        allowed = rule["uses"] | {part}
        for path in files_of(root, part):
            for n, line in enumerate(path.read_text().splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                header = m.group(1)
                rel = path.relative_to(root)
                hm = re.match(r"^asc/([a-z_]+)/", header)
                if hm and hm.group(1) in known and hm.group(1) not in allowed:
                    errors.append(f"{rel}:{n}: the {part} part includes {header}, but {part} may use only "
                                  f"{', '.join(sorted(allowed - {part})) or 'nothing'} (cmake/parts.table)")
                elif header.startswith("asc/") and not hm and header != "asc/version.hpp":
                    errors.append(f"{rel}:{n}: {header} is not in a part's folder (include/asc/<part>/)")
                for lib, pattern in HEADERS.items():
                    if pattern.search(header) and lib not in rule["libs"]:
                        owners = [p for p, r in parts.items() if lib in r["libs"]] or ["no part"]
                        errors.append(f"{rel}:{n}: the {part} part includes {header}, which belongs to "
                                      f"{' and '.join(owners)}: go through that part's interface")


def check_symbols(build, parts, errors):
    for part, rule in parts.items():
        libs = list(build.glob(f"libasc_{part}.a"))
        if part in ("sim",) or not libs:
            if part not in ("sim",) and not libs:
                errors.append(f"{build}: libasc_{part}.a not found (build the project first)")
            continue
        out = subprocess.run(["nm", "-u", "-C", str(libs[0])], capture_output=True, text=True, check=True).stdout
        seen = set()
        for line in out.splitlines():
            symbol = line.split()[-1] if line.split() else ""
            for lib, pattern in SYMBOLS.items():
                if pattern.search(symbol) and lib not in rule["libs"] and (lib, part) not in seen:
                    seen.add((lib, part))
                    errors.append(f"libasc_{part}.a calls {symbol} of {lib}, which the {part} part does not "
                                  f"own (cmake/parts.table): call the part that owns it")


def check_readme(root, parts, errors):
    text = (root / "README.md").read_text()
    rows = {}
    for line in text.splitlines():
        m = re.match(r"^\|\s*`?([a-z]+)`?\s*\|\s*([^|]*)\|", line)
        if m and m.group(1) in parts:
            uses = m.group(2).replace("`", "").replace(",", " ").split()
            rows[m.group(1)] = set() if uses in ([], ["-"], ["nothing"]) else set(uses)
    for part, rule in parts.items():
        if part not in rows:
            errors.append(f"README.md: the Architecture table has no row for the {part} part")
        elif rows[part] != rule["uses"]:
            errors.append(f"README.md: the {part} row says it may use {sorted(rows[part])}, "
                          f"cmake/parts.table says {sorted(rule['uses'])}")


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    parts = read_table(root)
    errors = []
    check_includes(root, parts, errors)
    if len(sys.argv) > 2:
        check_symbols(pathlib.Path(sys.argv[2]), parts, errors)
    check_readme(root, parts, errors)
    for e in errors:
        print(f"layout: {e}", file=sys.stderr)
    if errors:
        print(f"layout: {len(errors)} wall(s) crossed", file=sys.stderr)
        return 1
    print(f"layout: {len(parts)} parts, every include and linked symbol within its walls")
    return 0


if __name__ == "__main__":
    sys.exit(main())
