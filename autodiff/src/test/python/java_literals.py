"""Numbers printed as Java source for the tests' pasted values (imported by the *_values.py scripts)."""


def num(v):
    """v as a Java double literal: NaN, INF and -INF by name (the tests define them), else repr."""
    if v != v:
        return "NaN"
    if v == float("inf"):
        return "INF"
    if v == float("-inf"):
        return "-INF"
    return repr(v)


def arr(vals, prefix="", indent=" " * 20, width=120):
    """prefix + {v, v, ...}, wrapped to lines of at most `width` characters after the first."""
    lines, line = [], prefix + "{"
    for i, v in enumerate(vals):
        item = num(v) + ("," if i + 1 < len(vals) else "")
        if len(line) + len(item) + 1 > width and line.strip() not in ("{", ""):
            lines.append(line.rstrip())
            line = indent
        line += item + " "
    return "\n".join(lines + [line.rstrip() + "}"])
