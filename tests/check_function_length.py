#!/usr/bin/env python3
"""No function over LIMIT lines in src/: tests/check_function_length.py SOURCE_DIR [--limit N].

A function that runs past ~120 lines does more than one job (the project's style rule). This check
reads every .cpp file under SOURCE_DIR/src, blanks comments, string and character literals (raw
strings too), then matches braces: a `{` at namespace or class scope whose header holds a `(` opens
a function body (free function, member, constructor, or a lambda assigned at namespace scope), and
the body runs to its matching `}`. Bodies nested in a body (lambdas, local classes) count towards
the function that holds them. The length is counted from the line of the opening brace to the line
of the closing one. It fails, naming file, line, function and length, when one is over the limit.
"""
import pathlib
import re
import sys

LIMIT = 120


CONTROL = re.compile(r"^\s*(if|for|while|switch|catch|do|else|try|return)\b")
SCOPE = re.compile(r"\b(namespace|class|struct|union|extern)\b")
NAME = re.compile(r"(~?[A-Za-z_][\w]*(?:\s*::\s*~?[A-Za-z_]\w*)*|operator\s*\S+?)\s*\($")


def blank(text):
    """The text with comments, string and char literals replaced by spaces (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = text.find(")" + m.group(1) + '"', i)
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            if c == "'" and i > 0 and text[i - 1].isalnum():  # digit separator: 1'000'000
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    # Preprocessor lines (macros may hold unbalanced braces) are blanked too.
    return re.sub(r"(?m)^[ \t]*#.*$", lambda m: " " * len(m.group(0)), "".join(out))


def function_name(header):
    """The function's name from the text between the previous ; { or } and its opening brace."""
    depth, k = 0, None
    # The parameter list is the first top-level (...) group; the name is just before it.
    for idx, ch in enumerate(header):
        if ch == "(":
            if depth == 0 and k is None:
                k = idx
            depth += 1
        elif ch == ")":
            depth -= 1
    if k is None:
        return "?"
    m = NAME.search(header[: k + 1])
    if m:
        return re.sub(r"\s+", "", m.group(1))
    return "lambda" if "[" in header[:k] else "?"


def functions(text):
    """(name, first line, last line) of every function body at namespace or class scope."""
    src = blank(text)
    found = []
    scopes = []  # one entry per open brace: "scope" (namespace/class), "func", "other"
    header_start = 0
    func_open = None
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "{":
            inside_func = any(s == "func" for s in scopes)
            if inside_func:
                scopes.append("other")
            else:
                header = src[header_start:i]
                flat = " ".join(header.split())
                if SCOPE.search(flat) and "(" not in flat:
                    scopes.append("scope")
                elif "(" in flat and not CONTROL.match(flat) and not re.search(r"\benum\b", flat):
                    scopes.append("func")
                    func_open = (function_name(flat), src.count("\n", 0, i) + 1)
                else:
                    scopes.append("other")
            header_start = i + 1
        elif ch == "}":
            kind = scopes.pop() if scopes else "other"
            if kind == "func" and func_open:
                last = src.count("\n", 0, i) + 1
                found.append((func_open[0], func_open[1], last))
                func_open = None
            header_start = i + 1
        elif ch == ";":
            if not any(s == "func" for s in scopes):
                header_start = i + 1
        elif ch == ":" and not any(s == "func" for s in scopes):
            # "public:" and friends end a header; "::" and a constructor's ": m_x{...}" do not.
            before = src[header_start:i].strip()
            if before in ("public", "private", "protected"):
                header_start = i + 1
        i += 1
    return found


def main():
    args = sys.argv[1:]
    limit = LIMIT
    if "--limit" in args:
        k = args.index("--limit")
        limit = int(args[k + 1])
        del args[k : k + 2]
    root = pathlib.Path(args[0]).resolve()
    over = []
    count = 0
    for path in sorted((root / "src").rglob("*.cpp")):
        rel = path.relative_to(root).as_posix()
        for name, first, last in functions(path.read_text()):
            count += 1
            length = last - first + 1
            if length <= limit:
                continue
            over.append(f"{rel}:{first}: {name} is {length} lines (limit {limit})")
    for line in over:
        print(f"function-length: {line}: split it into functions that each do one job", file=sys.stderr)
    if over:
        print(f"function-length: {len(over)} function(s) over {limit} lines", file=sys.stderr)
        return 1
    print(f"function-length: {count} functions in src/, none over {limit} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
