//! Binaries and bitstrings: `<<…>>` built and matched segment by segment, each
//! `value::type-size(n)-unit(u)-signed-little` as Elixir's bitstring syntax writes it.
//!
//! A segment's spec is read from the syntax tree each time (it is small): its type
//! (`integer`, `float`, `binary`/`bytes`, `bitstring`/`bits`, `utf8`/`16`/`32`), its size (a
//! literal, or an expression such as a variable bound earlier in the same pattern), its
//! unit, signedness and endianness. Bits are written and read most significant first.

use super::ast::{Expr, Kind, P};
use super::inspect;
use super::value::{compile_error, exception, R};
use crate::runtime::bigint::BigInt;
use crate::runtime::Term;

/// The most bytes one `<<…>>` builds (as the console's other limits, it ends a runaway
/// construction with an error instead of exhausting memory).
const MAX_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Ty {
    Integer,
    Float,
    Binary,
    Bits,
    Utf8,
    Utf16,
    Utf32,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Integer => "integer",
            Ty::Float => "float",
            Ty::Binary => "binary",
            Ty::Bits => "bitstring",
            Ty::Utf8 => "utf8",
            Ty::Utf16 => "utf16",
            Ty::Utf32 => "utf32",
        }
    }
}

/// A segment: its value (or pattern), type, size expression, unit and flags.
pub struct Seg {
    pub value: P,
    pub ty: Ty,
    pub size: Option<P>,
    pub unit: Option<u64>,
    pub signed: bool,
    pub little: bool,
}

/// Reads `value::spec` (or a bare value, whose type follows from it: a string literal is a
/// binary, anything else an integer).
pub fn segment(item: &P) -> R<Seg> {
    let (value, spec) = match &item.kind {
        Kind::Binary("::", v, s) => (v.clone(), Some(s.clone())),
        _ => (item.clone(), None),
    };
    let literal_string = matches!(
        &value.kind,
        Kind::Lit(Term::Str(_)) | Kind::Interp(_, false)
    );
    let mut seg = Seg {
        value,
        ty: if literal_string {
            Ty::Binary
        } else {
            Ty::Integer
        },
        size: None,
        unit: None,
        signed: false,
        little: false,
    };
    let mut typed: Option<Ty> = None;
    if let Some(spec) = spec {
        let mut parts = Vec::new();
        flatten(&spec, &mut parts);
        for p in parts {
            let (word, arg): (String, Option<P>) = match &p.kind {
                Kind::Var(n) => (n.name().to_string(), None),
                Kind::Call(n, args, _) if args.len() <= 1 => {
                    (n.name().to_string(), args.first().cloned())
                }
                Kind::Lit(Term::Int(_)) | Kind::Pin(_) => {
                    seg.size = Some(p.clone());
                    continue;
                }
                Kind::Binary("*", a, b) => {
                    // `size * unit`, as in `x::8*4`
                    seg.size = Some(a.clone());
                    if let Kind::Lit(Term::Int(u)) = b.kind {
                        seg.unit = Some(u.max(0) as u64);
                    }
                    continue;
                }
                _ => {
                    return Err(compile_error(format!(
                        "unknown bitstring specifier: {}",
                        super::source::to_source(&p)
                    )))
                }
            };
            let ty = match word.as_str() {
                "integer" => Some(Ty::Integer),
                "float" => Some(Ty::Float),
                "binary" | "bytes" => Some(Ty::Binary),
                "bitstring" | "bits" => Some(Ty::Bits),
                "utf8" => Some(Ty::Utf8),
                "utf16" => Some(Ty::Utf16),
                "utf32" => Some(Ty::Utf32),
                _ => None,
            };
            if let Some(ty) = ty {
                if let Some(before) = typed.filter(|t| *t != ty) {
                    return Err(compile_error(format!(
                        "conflicting type specification for bit field: \"{}\" and \"{}\"",
                        before.name(),
                        ty.name()
                    )));
                }
                typed = Some(ty);
                seg.ty = ty;
                continue;
            }
            match (word.as_str(), arg) {
                ("signed", None) => seg.signed = true,
                ("unsigned", None) => seg.signed = false,
                ("little", None) => seg.little = true,
                ("big" | "native", None) => seg.little = false,
                ("size", Some(a)) => seg.size = Some(a),
                ("unit", Some(a)) => match a.kind {
                    Kind::Lit(Term::Int(u)) if (1..=256).contains(&u) => seg.unit = Some(u as u64),
                    _ => {
                        return Err(compile_error(
                            "unit in bitstring expects an integer as argument between 1 and 256",
                        ))
                    }
                },
                (w, _) => return Err(compile_error(format!("unknown bitstring specifier: {w}()"))),
            }
        }
    }
    if literal_string
        && !matches!(
            seg.ty,
            Ty::Binary | Ty::Bits | Ty::Utf8 | Ty::Utf16 | Ty::Utf32
        )
    {
        return Err(compile_error(format!(
            "conflicting type specification for bit field: \"{}\" and \"binary\"",
            seg.ty.name()
        )));
    }
    if literal_string && seg.size.is_some() {
        return Err(compile_error("literal string in bitstring supports only endianness and type specifiers, which must be one of: little, big, native, utf8, utf16, utf32, bits, bytes, binary or bitstring"));
    }
    if matches!(seg.ty, Ty::Utf8 | Ty::Utf16 | Ty::Utf32)
        && (seg.size.is_some() || seg.unit.is_some())
    {
        return Err(compile_error(
            "size and unit are not supported on utf types",
        ));
    }
    Ok(seg)
}

fn flatten(spec: &P, out: &mut Vec<P>) {
    match &spec.kind {
        Kind::Binary("-", a, b) => {
            flatten(a, out);
            flatten(b, out);
        }
        _ => out.push(spec.clone()),
    }
}

impl Seg {
    fn default_unit(&self) -> u64 {
        match self.ty {
            Ty::Binary => 8,
            _ => 1,
        }
    }
    fn unit(&self) -> u64 {
        self.unit.unwrap_or_else(|| self.default_unit())
    }
    /// The size expression a construction or a pattern must evaluate (none for a literal).
    pub fn size_expr(&self) -> Option<&P> {
        self.size
            .as_ref()
            .filter(|s| !matches!(s.kind, Kind::Lit(_)))
    }
    fn literal_size(&self) -> Option<i64> {
        match self.size.as_ref().map(|s| &s.kind) {
            Some(Kind::Lit(Term::Int(n))) => Some(*n),
            _ => None,
        }
    }
}

/// The segments of `<<…>>`.
pub fn segments(items: &[P]) -> R<Vec<Seg>> {
    items.iter().map(segment).collect()
}

/// The expressions a construction evaluates: each segment's value, then each dynamic size.
pub fn children(items: &[P]) -> Vec<P> {
    // a spec in error: nothing to evaluate, [`build`] raises it
    let Ok(segs) = segments(items) else {
        return Vec::new();
    };
    let mut out: Vec<P> = segs.iter().map(|s| s.value.clone()).collect();
    out.extend(segs.iter().filter_map(|s| s.size_expr().cloned()));
    out
}

// ------------------------------------------------------------------ writing

#[derive(Default)]
struct Writer {
    bytes: Vec<u8>,
    bits: u64,
}

impl Writer {
    fn push_bit(&mut self, one: bool) {
        if self.bits % 8 == 0 {
            self.bytes.push(0);
        }
        if one {
            if let Some(last) = self.bytes.last_mut() {
                *last |= 0x80 >> (self.bits % 8);
            }
        }
        self.bits += 1;
    }
    /// The low `n` bits of `v` (sign-extended past 128), most significant first.
    fn push_int(&mut self, v: i128, n: u64) {
        if self.bits % 8 == 0 && n % 8 == 0 {
            for i in (0..n / 8).rev() {
                let shift = i * 8;
                let byte = if shift >= 128 {
                    if v < 0 {
                        0xFF
                    } else {
                        0
                    }
                } else {
                    (v >> shift) as u8
                };
                self.bytes.push(byte);
            }
            self.bits += n;
            return;
        }
        for i in (0..n).rev() {
            let bit = if i >= 127 { v < 0 } else { (v >> i) & 1 == 1 };
            self.push_bit(bit);
        }
    }
    fn push_bits(&mut self, bytes: &[u8], nbits: u64) {
        if self.bits % 8 == 0 && nbits % 8 == 0 {
            self.bytes.extend_from_slice(&bytes[..(nbits / 8) as usize]);
            self.bits += nbits;
            return;
        }
        for i in 0..nbits {
            let b = bytes[(i / 8) as usize] & (0x80 >> (i % 8)) != 0;
            self.push_bit(b);
        }
    }
    fn finish(self) -> Term {
        Term::bitstring(self.bytes, (self.bits % 8) as u8)
    }
}

fn construction_failed(i: usize, ty: Ty, what: &str, got: &Term) -> super::value::Exc {
    super::value::argument_error(format!(
        "construction of binary failed: segment {} of type '{}': {what} but got: {}",
        i + 1,
        ty.name(),
        inspect::inspect(got)
    ))
}

fn too_big() -> super::value::Exc {
    exception(
        "SystemLimitError",
        vec![(
            "message",
            Term::str(&format!(
                "a system limit has been reached: a binary of more than {MAX_BYTES} bytes"
            )),
        )],
    )
}

/// Builds `<<…>>` from its segments' values and the values of their dynamic sizes (in the
/// order of [`children`]).
pub fn build(items: &[P], vals: &[Term]) -> R<Term> {
    let segs = segments(items)?;
    let (values, mut sizes) = (
        &vals[..segs.len().min(vals.len())],
        vals.iter().skip(segs.len()),
    );
    let mut w = Writer::default();
    for (i, (seg, v)) in segs.iter().zip(values).enumerate() {
        let size: Option<i64> = match seg.size_expr() {
            Some(_) => match sizes.next() {
                Some(Term::Int(n)) => Some(*n),
                Some(other) => {
                    return Err(super::value::argument_error(format!(
                        "construction of binary failed: segment {} of type '{}': expected a non-negative integer as size but got: {}",
                        i + 1,
                        seg.ty.name(),
                        inspect::inspect(other)
                    )))
                }
                None => None,
            },
            None => seg.literal_size(),
        };
        if size.is_some_and(|n| n < 0) {
            return Err(construction_failed(
                i,
                seg.ty,
                "expected a non-negative size",
                v,
            ));
        }
        let size = size.map(|n| n as u64);
        let bits_for = |n: u64| n.saturating_mul(seg.unit());
        if w.bits / 8 + size.map_or(0, |n| bits_for(n) / 8) > MAX_BYTES {
            return Err(too_big());
        }
        match seg.ty {
            Ty::Integer => {
                let n = bits_for(size.unwrap_or(8));
                let x: i128 = match v {
                    Term::Int(x) => *x as i128,
                    Term::Big(b) => {
                        // two's complement, n bits wide: the value modulo 2^n
                        let width = n.div_ceil(8) as usize;
                        let m = b.as_ref() & &((BigInt::from(1) << n) - BigInt::from(1));
                        let mut bytes = (m << (width as u64 * 8 - n)).to_bytes_be();
                        let mut padded = vec![0; width.saturating_sub(bytes.len())];
                        padded.append(&mut bytes);
                        if seg.little && n % 8 == 0 {
                            padded.reverse();
                        }
                        w.push_bits(&padded, n);
                        continue;
                    }
                    _ => return Err(construction_failed(i, seg.ty, "expected an integer", v)),
                };
                if seg.little && n % 8 == 0 {
                    let mut tmp = Writer::default();
                    tmp.push_int(x, n);
                    tmp.bytes.reverse();
                    w.push_bits(&tmp.bytes, n);
                } else {
                    w.push_int(x, n);
                }
            }
            Ty::Float => {
                let n = bits_for(size.unwrap_or(64));
                let x = match v {
                    Term::Float(x) => *x,
                    Term::Int(x) => *x as f64,
                    _ => {
                        return Err(construction_failed(
                            i,
                            seg.ty,
                            "expected a float or an integer",
                            v,
                        ))
                    }
                };
                let bytes: Vec<u8> = match n {
                    64 => x.to_be_bytes().to_vec(),
                    32 => (x as f32).to_be_bytes().to_vec(),
                    16 => f16_bits(x).to_be_bytes().to_vec(),
                    _ => {
                        return Err(construction_failed(
                            i,
                            seg.ty,
                            "expected a size of 16, 32 or 64",
                            v,
                        ))
                    }
                };
                let bytes: Vec<u8> = if seg.little {
                    bytes.into_iter().rev().collect()
                } else {
                    bytes
                };
                w.push_bits(&bytes, n);
            }
            Ty::Binary | Ty::Bits => {
                let Some((bytes, tail)) = v.as_bits() else {
                    let what = if seg.ty == Ty::Binary {
                        "expected a binary"
                    } else {
                        "expected a bitstring"
                    };
                    return Err(construction_failed(i, seg.ty, what, v));
                };
                let have = v.bit_size().unwrap_or(0);
                if seg.ty == Ty::Binary && tail != 0 && size.is_none() {
                    return Err(construction_failed(i, seg.ty, "expected a binary", v));
                }
                let n = match size {
                    Some(n) => bits_for(n),
                    None => have,
                };
                if n > have {
                    return Err(construction_failed(
                        i,
                        seg.ty,
                        &format!(
                            "the value has {have} bits, fewer than the {n} the size asks for;"
                        ),
                        v,
                    ));
                }
                w.push_bits(bytes, n);
            }
            Ty::Utf8 | Ty::Utf16 | Ty::Utf32 => {
                let chars: Vec<char> = match v {
                    Term::Int(c) => {
                        match u32::try_from(*c).ok().and_then(char::from_u32) {
                            Some(c) => vec![c],
                            None => return Err(construction_failed(
                                i,
                                seg.ty,
                                "expected a non-negative integer encodable as a Unicode code point",
                                v,
                            )),
                        }
                    }
                    Term::Str(s) if matches!(seg.value.kind, Kind::Lit(_) | Kind::Interp(..)) => {
                        s.chars().collect()
                    }
                    _ => {
                        return Err(construction_failed(
                            i,
                            seg.ty,
                            "expected a non-negative integer encodable as a Unicode code point",
                            v,
                        ))
                    }
                };
                for c in chars {
                    let bytes: Vec<u8> = match seg.ty {
                        Ty::Utf8 => c.to_string().into_bytes(),
                        Ty::Utf16 => {
                            let mut buf = [0u16; 2];
                            let units = c.encode_utf16(&mut buf);
                            units
                                .iter()
                                .flat_map(|u| {
                                    if seg.little {
                                        u.to_le_bytes()
                                    } else {
                                        u.to_be_bytes()
                                    }
                                })
                                .collect()
                        }
                        _ => {
                            let u = c as u32;
                            if seg.little {
                                u.to_le_bytes().to_vec()
                            } else {
                                u.to_be_bytes().to_vec()
                            }
                        }
                    };
                    w.push_bits(&bytes, bytes.len() as u64 * 8);
                }
            }
        }
    }
    Ok(w.finish())
}

/// An f64 as IEEE half precision (round to nearest; overflow to infinity).
fn f16_bits(x: f64) -> u16 {
    let f = x as f32;
    let b = f.to_bits();
    let sign = ((b >> 16) & 0x8000) as u16;
    let exp = ((b >> 23) & 0xFF) as i32;
    let mant = b & 0x7F_FFFF;
    if exp == 0xFF {
        return sign | 0x7C00 | if mant != 0 { 0x200 } else { 0 };
    }
    let e = exp - 127 + 15;
    if e >= 0x1F {
        return sign | 0x7C00;
    }
    if e <= 0 {
        if e < -10 {
            return sign;
        }
        let m = (mant | 0x80_0000) >> (1 - e);
        return sign | ((m + 0x1000) >> 13) as u16;
    }
    let half = sign as u32 | ((e as u32) << 10) | (mant >> 13);
    let round = (mant >> 12) & 1;
    (half + round) as u16
}

fn f16_value(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1F) as i32;
    let mant = (h & 0x3FF) as f64;
    match exp {
        0 => sign * mant * 2f64.powi(-24),
        0x1F => {
            if mant == 0.0 {
                sign * f64::INFINITY
            } else {
                f64::NAN
            }
        }
        _ => sign * (1.0 + mant / 1024.0) * 2f64.powi(exp - 15),
    }
}

/// Bitstrings one after the other (`for …, into: <<>>`); `None` if one is not a bitstring.
pub fn concat<'a>(parts: impl Iterator<Item = &'a Term>) -> Option<Term> {
    let mut w = Writer::default();
    for p in parts {
        let (bytes, _) = p.as_bits()?;
        w.push_bits(bytes, p.bit_size()?);
    }
    Some(w.finish())
}

// ------------------------------------------------------------------ reading

/// A bitstring being read, most significant bit first.
pub struct Reader<'a> {
    bytes: &'a [u8],
    total: u64,
    pub pos: u64,
}

impl<'a> Reader<'a> {
    pub fn new(t: &'a Term) -> Option<Reader<'a>> {
        let (bytes, _) = t.as_bits()?;
        Some(Reader {
            bytes,
            total: t.bit_size()?,
            pos: 0,
        })
    }
    pub fn left(&self) -> u64 {
        self.total - self.pos
    }
    fn bit(&self, i: u64) -> bool {
        self.bytes[(i / 8) as usize] & (0x80 >> (i % 8)) != 0
    }
    /// The next `n` bits as a bitstring term.
    pub fn take_bits(&mut self, n: u64) -> Option<Term> {
        if n > self.left() {
            return None;
        }
        let t = if self.pos % 8 == 0 && n % 8 == 0 {
            let start = (self.pos / 8) as usize;
            Term::binary(self.bytes[start..start + (n / 8) as usize].to_vec())
        } else {
            let mut w = Writer::default();
            for i in 0..n {
                w.push_bit(self.bit(self.pos + i));
            }
            w.finish()
        };
        self.pos += n;
        Some(t)
    }
    /// The next `n` bits as an unsigned number (`None` past 127 bits: too wide for the
    /// console's integers anyway).
    fn take_uint(&mut self, n: u64) -> Option<u128> {
        if n > self.left() || n > 127 {
            return None;
        }
        let mut v: u128 = 0;
        for i in 0..n {
            v = (v << 1) | self.bit(self.pos + i) as u128;
        }
        self.pos += n;
        Some(v)
    }
    fn take_bytes(&mut self, n: usize) -> Option<Vec<u8>> {
        let t = self.take_bits(n as u64 * 8)?;
        t.as_bytes().map(|b| b.to_vec())
    }
}

/// Reads one segment's value from `r`; `None`: the bits there do not fit it (no match).
/// `size` is the segment's size already evaluated; `last` says it is the pattern's last.
pub fn read(seg: &Seg, size: Option<i64>, last: bool, r: &mut Reader) -> R<Option<Term>> {
    if size.is_some_and(|n| n < 0) {
        return Ok(None);
    }
    let size = size.map(|n| n as u64);
    let unit = seg.unit();
    Ok(match seg.ty {
        Ty::Integer => {
            let n = size.unwrap_or(8).saturating_mul(unit);
            if n > 127 {
                // wider than 128 bits: read as a big integer
                let Some(bits) = r.take_bits(n) else {
                    return Ok(None);
                };
                let mut bytes = bits.as_bits().map_or(vec![], |(b, _)| b.to_vec());
                if seg.little && n % 8 == 0 {
                    bytes.reverse();
                }
                let pad = bytes.len() as u64 * 8 - n;
                let mut v = BigInt::from_bytes_be(&bytes) >> pad;
                if seg.signed && v.bit(n - 1) {
                    v -= BigInt::from(1) << n;
                }
                return Ok(Some(Term::big(v)));
            }
            let Some(raw) = r.take_uint(n) else {
                return Ok(None);
            };
            let raw = if seg.little && n % 8 == 0 {
                let mut b = raw;
                let mut out: u128 = 0;
                for _ in 0..n / 8 {
                    out = (out << 8) | (b & 0xFF);
                    b >>= 8;
                }
                out
            } else {
                raw
            };
            let v: i128 = if seg.signed && n > 0 && raw >> (n - 1) & 1 == 1 {
                // raw - 2^n, which fits an i128 even at n = 127 (where 2^n itself does not)
                (raw as i128).wrapping_sub(1i128.wrapping_shl(n as u32))
            } else {
                raw as i128
            };
            Some(Term::big(BigInt::from(v)))
        }
        Ty::Float => {
            let n = size.unwrap_or(64).saturating_mul(unit);
            let Some(mut bytes) = (match n {
                16 | 32 | 64 if n <= r.left() => r.take_bytes((n / 8) as usize),
                _ => None,
            }) else {
                return Ok(None);
            };
            if seg.little {
                bytes.reverse();
            }
            let x = match n {
                64 => f64::from_be_bytes(bytes.try_into().unwrap_or([0; 8])),
                32 => f32::from_be_bytes(bytes.try_into().unwrap_or([0; 4])) as f64,
                _ => f16_value(u16::from_be_bytes(bytes.try_into().unwrap_or([0; 2]))),
            };
            if !x.is_finite() {
                return Ok(None);
            }
            Some(Term::Float(x))
        }
        Ty::Binary | Ty::Bits => {
            let n = match size {
                Some(n) => n.saturating_mul(unit),
                None if last => r.left(),
                None => return Err(compile_error(
                    "a binary field without size is only allowed at the end of a binary pattern",
                )),
            };
            if seg.ty == Ty::Binary && n % 8 != 0 {
                return Ok(None);
            }
            r.take_bits(n)
        }
        Ty::Utf8 => {
            let first = match r.take_uint(8.min(r.left())) {
                Some(b) if r.pos % 8 == 0 => b as u8,
                _ => return Ok(None),
            };
            let len = match first {
                0x00..=0x7F => 1,
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => return Ok(None),
            };
            let mut bytes = vec![first];
            if len > 1 {
                match r.take_bytes(len - 1) {
                    Some(rest) => bytes.extend(rest),
                    None => return Ok(None),
                }
            }
            std::str::from_utf8(&bytes)
                .ok()
                .and_then(|s| s.chars().next())
                .map(|c| Term::Int(c as i64))
        }
        Ty::Utf16 => {
            let unit16 = |r: &mut Reader| -> Option<u16> {
                let b = r.take_bytes(2)?;
                Some(if seg.little {
                    u16::from_le_bytes([b[0], b[1]])
                } else {
                    u16::from_be_bytes([b[0], b[1]])
                })
            };
            let Some(a) = unit16(r) else { return Ok(None) };
            let units = if (0xD800..0xDC00).contains(&a) {
                match unit16(r) {
                    Some(b) => vec![a, b],
                    None => return Ok(None),
                }
            } else {
                vec![a]
            };
            char::decode_utf16(units)
                .next()
                .and_then(|c| c.ok())
                .map(|c| Term::Int(c as i64))
        }
        Ty::Utf32 => {
            let Some(b) = r.take_bytes(4) else {
                return Ok(None);
            };
            let arr = [b[0], b[1], b[2], b[3]];
            let u = if seg.little {
                u32::from_le_bytes(arr)
            } else {
                u32::from_be_bytes(arr)
            };
            char::from_u32(u).map(|c| Term::Int(c as i64))
        }
    })
}

/// Whether a pattern is a bitstring pattern's literal string segment (`<<"ab", rest::binary>>`).
pub fn literal_bytes(e: &Expr) -> Option<Vec<u8>> {
    match &e.kind {
        Kind::Lit(Term::Str(s)) => Some(s.as_bytes().to_vec()),
        _ => None,
    }
}
