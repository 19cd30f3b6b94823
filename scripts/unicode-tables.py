#!/usr/bin/env python3
"""Writes src/elixir/normalization_data.rs: the Unicode data String.normalize/2 needs, from
Python's unicodedata (check that its unidata_version is the Unicode of the Erlang/OTP that
real iex runs: 14.0.0 for OTP 25).

    python3 scripts/unicode-tables.py > src/elixir/normalization_data.rs

Three tables, as text (the wasm's gzip packs text well; the console parses them once, when
String.normalize/2 is first called):
- DECOMPOSITIONS: one line per character with a decomposition in UnicodeData.txt (one
  level; the console applies them again until nothing changes): the distance in code points
  from the previous line's character, in hex; `=` for canonical and `~` for compatibility
  (`+` for a canonical one that does not compose back: a composition exclusion, a
  singleton, or a decomposition that starts with a non-starter); then the decomposition's
  characters.
- COMBINING_CLASSES: runs of characters with the same non-zero canonical combining class:
  first (hex distance from the previous run's end), length (hex), class (decimal).
Hangul syllables are computed, not listed.
"""
import unicodedata

assert unicodedata.unidata_version == "14.0.0", unicodedata.unidata_version

lines = []
prev = 0
for cp in range(0x110000):
    c = chr(cp)
    d = unicodedata.decomposition(c)
    if not d:
        continue
    compat = d.startswith("<")
    chars = "".join(chr(int(x, 16)) for x in d.split() if not x.startswith("<"))
    if compat:
        kind = "~"
    else:
        # composes back (a primary composite) only if NFC gives it again
        kind = "=" if unicodedata.normalize("NFC", c) == c and len(chars) == 2 else "+"
    lines.append("%x%s%s" % (cp - prev, kind, chars))
    prev = cp

runs = []
for cp in range(0x110000):
    k = unicodedata.combining(chr(cp))
    if not k:
        continue
    if runs and runs[-1][0] + runs[-1][1] == cp and runs[-1][2] == k:
        runs[-1][1] += 1
    else:
        runs.append([cp, 1, k])
classes = []
end = 0
for first, n, k in runs:
    classes.append("%x %x %d" % (first - end, n, k))
    end = first + n


def rust_str(items):
    body = "\n".join(items)
    body = body.replace("\\", "\\\\").replace('"', '\\"')
    # control and format characters written as escapes, so that the file stays readable
    out = []
    for ch in body:
        if ch != "\n" and (unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Mn", "Me", "Mc")):
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


print("//! Unicode %s data for `String.normalize/2`, written by `scripts/unicode-tables.py`" % unicodedata.unidata_version)
print("//! (do not edit by hand; its docstring says what the lines mean).")
print()
print("pub const DECOMPOSITIONS: &str = \"%s\";" % rust_str(lines))
print()
print("pub const COMBINING_CLASSES: &str = \"%s\";" % rust_str(classes))
