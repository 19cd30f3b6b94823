#!/usr/bin/env python3
"""Writes src/elixir/case_data.rs: Unicode's case mappings as String.upcase/downcase/capitalize
use them, from Python's unicodedata (its unidata_version must be the Unicode of the Erlang/OTP
that real iex runs: 14.0.0 for OTP 25; Python 3.11 has it).

    python3 scripts/case-tables.py > src/elixir/case_data.rs

Python's str.lower/upper/title on one character are Unicode's full case mappings
(UnicodeData.txt's simple ones, SpecialCasing.txt's unconditional ones: ß upcases to SS).
For each of the three, two tables:
- runs of characters that map to a single character at the same distance: (first, count,
  step, distance), where the run is first, first + step, ... (step 1 for A-Z, 2 for the
  alternating Ā ā Ă ă of Latin Extended-A);
- the characters that map to more than one: (character, mapping).
TITLE lists only where titlecase differs from uppercase (ǆ → ǅ, ß → Ss, Georgian stays).
"""
import unicodedata

assert unicodedata.unidata_version == "14.0.0", unicodedata.unidata_version


def mapping(fn, only=None):
    simple, multi = [], []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        r = fn(c)
        if only is not None:
            if not only(c, r):
                continue
        elif r == c:
            continue
        if len(r) == 1:
            simple.append((cp, ord(r) - cp))
        else:
            multi.append((cp, r))
    runs, i = [], 0
    while i < len(simple):
        cp, d = simple[i]
        best = (1, 1)
        for step in (1, 2):
            n = 1
            while i + n < len(simple) and simple[i + n] == (cp + step * n, d):
                n += 1
            if n > best[0]:
                best = (n, step)
        runs.append((cp, best[0], best[1], d))
        i += best[0]
    return runs, multi


def rust_str(s):
    return "".join(c if 0x20 <= ord(c) < 0x7F and c not in '"\\' else "\\u{%x}" % ord(c) for c in s)


print("//! Unicode 14.0.0 case mappings for String.upcase/downcase/capitalize, written by")
print("//! `scripts/case-tables.py` (do not edit by hand; its docstring says what the tables mean).")
print()
tables = [
    ("LOWER", mapping(str.lower)),
    ("UPPER", mapping(str.upper)),
    ("TITLE", mapping(str.title, only=lambda c, r: r != c.upper())),
]
for name, (runs, multi) in tables:
    print(f"pub const {name}_RUNS: &[(u32, u16, u8, i32)] = &[")
    for r in runs:
        print("    (0x%x, %d, %d, %d)," % r)
    print("];")
    print(f"pub const {name}_MULTI: &[(u32, &str)] = &[")
    for cp, r in multi:
        print('    (0x%x, "%s"),' % (cp, rust_str(r)))
    print("];")
