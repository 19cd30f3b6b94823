//! A run, as time travel keeps it: its seed and settings, what storage held when it began,
//! and every input from the host with the tick it arrived at. The runtime is deterministic,
//! so this is all it takes to run it again exactly (`Sim::replay`), to any instant.
//!
//! A tick is the unit the clock moves by (`TICK_MS` of virtual time, within a fixed step
//! budget): the same ticks with the same inputs between them give the same run, however the
//! page's frames happened to fall. Plain Rust, no browser crate: tested natively.
//!
//! A run travels as a link (`to_link`, compact text in the URL fragment) or as a JSON file
//! (`to_json`); reading either back (`from_link`, `from_json`) refuses anything damaged,
//! tampered with, too big or from a newer version, with a sentence saying what was wrong.

use crate::json::{self, Value};
use crate::runtime::float_parse::parse_f64;

use crate::store::shopping::Persistence;

use super::sim::Settings;

/// Virtual milliseconds per tick.
pub const TICK_MS: u64 = 10;
/// Steps the scheduler may take in one tick (past it, the clock lags: the store runs slower
/// than asked, the same way in every replay).
pub const TICK_STEP_BUDGET: usize = 20_000;
/// The version of the link and file formats.
pub const FORMAT_VERSION: u32 = 1;
/// Links and files longer than this are refused (a run's log is small: see docs/time-travel.md).
pub const MAX_RUN_BYTES: usize = 256 * 1024;
/// A run longer than this (virtual time) is refused: replaying it would hold up the page.
pub const MAX_RUN_TICKS: u64 = 4 * 3600 * 1000 / TICK_MS;
/// Inputs in one run, at most.
pub const MAX_INPUTS: usize = 20_000;

/// Something the host did to the run.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// `Process.exit(pid, :kill)` on the process with this pid number (a click, a key).
    Kill(u32),
    /// A line (or a paste) submitted to the console.
    Console(String),
    /// The editor's source, run as one input (its *Run*, Ctrl-Enter): the page shows the
    /// last one in the editor, so time travel and a shared run carry the module's source.
    Editor(String),
    /// Ctrl-C in the console.
    Interrupt,
    SetArrivals(f64),
    SetChaos(f64),
    SetPersistence(Persistence),
    /// `Application.start(:shopping)`.
    StartApp,
    /// Idle sessions started at once.
    AddSessions(u32),
    /// "+N shoppers".
    Admit(u32),
}

impl Input {
    /// For the timeline's markers and the input list.
    pub fn describe(&self) -> String {
        match self {
            Input::Kill(n) => format!("Process.exit(#PID<0.{n}.0>, :kill)"),
            Input::Console(line) => {
                let first = line.lines().next().unwrap_or("");
                let short: String = first.chars().take(60).collect();
                if short.len() < line.len() {
                    format!("iex> {short}…")
                } else {
                    format!("iex> {short}")
                }
            }
            Input::Editor(source) => {
                let first = source.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                let short: String = first.trim().chars().take(50).collect();
                format!("editor: {short}")
            }
            Input::Interrupt => "Ctrl-C in the console".into(),
            Input::SetArrivals(x) => format!("arrivals set to {x}/min"),
            Input::SetChaos(x) => format!("chaos set to {x} kills/min"),
            Input::SetPersistence(p) => format!("persistence set to {}", persistence_name(*p)),
            Input::StartApp => "Application.start(:shopping)".into(),
            Input::AddSessions(n) => format!("{n} idle sessions started"),
            Input::Admit(n) => format!("+{n} shoppers"),
        }
    }
}

fn persistence_name(p: Persistence) -> &'static str {
    match p {
        Persistence::None => "none",
        Persistence::Snapshot => "snapshot",
    }
}

fn persistence_from(s: &str) -> Option<Persistence> {
    match s {
        "none" => Some(Persistence::None),
        "snapshot" => Some(Persistence::Snapshot),
        _ => None,
    }
}

/// A run from its start: enough to replay it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recording {
    /// The settings when it started (later changes are inputs).
    pub settings: Settings,
    /// What the session store's storage held when it started, key by key.
    pub storage: Vec<(String, String)>,
    /// Inputs in order, each with the tick it arrived after.
    pub inputs: Vec<(u64, Input)>,
}

/// A run as shared: the recording, the instant it was shared at, and the trace hash there.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedRun {
    pub recording: Recording,
    /// Ticks run when it was shared.
    pub ticks: u64,
    pub hash: u64,
}

/// `%`-encodes everything but ASCII letters, digits, `-` and `_`: safe in a URL fragment,
/// and never one of the link's own separators (`.` and `~`).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn unescape(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| "a %-escape is cut short".to_string())?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "a text is not UTF-8".to_string())
}

fn number(s: &str, what: &str, range: (f64, f64)) -> Result<f64, String> {
    parse_f64(s)
        .filter(|x| x.is_finite() && *x >= range.0 && *x <= range.1)
        .ok_or_else(|| {
            format!(
                "{what} {s:?} is not a number from {} to {}",
                range.0, range.1
            )
        })
}

impl SharedRun {
    /// The link's fragment (without `#`):
    /// `run=1.<settings query, escaped>.<ticks>.<hash hex>.<inputs>[.<storage>]`, where the
    /// inputs are `~`-separated `<ticks since the last, base 36>-<code><argument>`.
    pub fn to_link(&self) -> String {
        let mut inputs = String::new();
        let mut last = 0u64;
        for (i, (tick, input)) in self.recording.inputs.iter().enumerate() {
            if i > 0 {
                inputs.push('~');
            }
            inputs.push_str(&base36(tick.saturating_sub(last)));
            inputs.push('-');
            last = *tick;
            match input {
                Input::Kill(n) => inputs.push_str(&format!("k{n}")),
                Input::Console(line) => inputs.push_str(&format!("c{}", escape(line))),
                Input::Editor(source) => inputs.push_str(&format!("d{}", escape(source))),
                Input::Interrupt => inputs.push('i'),
                Input::SetArrivals(x) => inputs.push_str(&format!("a{}", escape(&x.to_string()))),
                Input::SetChaos(x) => inputs.push_str(&format!("x{}", escape(&x.to_string()))),
                Input::SetPersistence(p) => inputs.push_str(&format!("p{}", persistence_name(*p))),
                Input::StartApp => inputs.push('s'),
                Input::AddSessions(n) => inputs.push_str(&format!("e{n}")),
                Input::Admit(n) => inputs.push_str(&format!("m{n}")),
            }
        }
        let mut link = format!(
            "run={FORMAT_VERSION}.{}.{}.{:x}.{}",
            escape(&self.recording.settings.to_query()),
            base36(self.ticks),
            self.hash,
            inputs
        );
        if !self.recording.storage.is_empty() {
            link.push('.');
            let entries: Vec<String> = self
                .recording
                .storage
                .iter()
                .map(|(k, v)| format!("{}~{}", escape(k), escape(v)))
                .collect();
            link.push_str(&entries.join("~"));
        }
        link
    }

    /// Reads a link's fragment (with or without `#`). The error says what is wrong with it.
    pub fn from_link(fragment: &str) -> Result<SharedRun, String> {
        if fragment.len() > MAX_RUN_BYTES {
            return Err(format!(
                "it is {} KB, more than the {} KB a run may take",
                fragment.len() / 1024,
                MAX_RUN_BYTES / 1024
            ));
        }
        let body = fragment
            .trim_start_matches('#')
            .strip_prefix("run=")
            .ok_or("it does not hold a run")?;
        let parts: Vec<&str> = body.split('.').collect();
        let version: u32 = parts
            .first()
            .and_then(|v| v.parse().ok())
            .ok_or("its version is missing")?;
        if version > FORMAT_VERSION {
            return Err(format!(
                "it was made by a newer Redfour (format {version}; this page reads {FORMAT_VERSION})"
            ));
        }
        if parts.len() < 5 || parts.len() > 6 {
            return Err(format!(
                "it has {} parts where a run has 5 or 6 (cut short?)",
                parts.len()
            ));
        }
        let settings = settings_from(&unescape(parts[1])?)?;
        let ticks = from_base36(parts[2]).ok_or("its instant is not a number")?;
        if ticks > MAX_RUN_TICKS {
            return Err("its run is longer than 4 hours".into());
        }
        let hash = u64::from_str_radix(parts[3], 16).map_err(|_| "its trace hash is damaged")?;
        let mut inputs = Vec::new();
        let mut tick = 0u64;
        if !parts[4].is_empty() {
            for item in parts[4].split('~') {
                if inputs.len() >= MAX_INPUTS {
                    return Err(format!("it has more than {MAX_INPUTS} inputs"));
                }
                let (delta, rest) = item
                    .split_once('-')
                    .ok_or_else(|| format!("input {:?} has no kind", short(item)))?;
                let delta = from_base36(delta)
                    .ok_or_else(|| format!("input {:?} has no time", short(item)))?;
                tick = tick.saturating_add(delta);
                if tick > ticks {
                    return Err(format!("input {:?} comes after the run's end", short(item)));
                }
                if rest.is_empty() || !rest.is_char_boundary(1) {
                    return Err(format!("input {:?} has no kind", short(item)));
                }
                let (code, arg) = rest.split_at(1);
                let int = |what: &str| -> Result<u32, String> {
                    arg.parse::<u32>()
                        .map_err(|_| format!("{what} {:?} is not a whole number", short(arg)))
                };
                let input = match code {
                    "k" => Input::Kill(int("a pid")?),
                    "c" => Input::Console(unescape(arg)?),
                    "d" => Input::Editor(unescape(arg)?),
                    "i" => Input::Interrupt,
                    "a" => Input::SetArrivals(number(
                        &unescape(arg)?,
                        "arrivals",
                        super::sim::ARRIVALS_RANGE,
                    )?),
                    "x" => {
                        Input::SetChaos(number(&unescape(arg)?, "chaos", super::sim::CHAOS_RANGE)?)
                    }
                    "p" => Input::SetPersistence(
                        persistence_from(arg)
                            .ok_or("a persistence is neither none nor snapshot")?,
                    ),
                    "s" => Input::StartApp,
                    "e" => Input::AddSessions(int("a count")?.min(100_000)),
                    "m" => Input::Admit(int("a count")?.min(100_000)),
                    other => return Err(format!("input kind {other:?} is unknown")),
                };
                inputs.push((tick, input));
            }
        }
        let mut storage = Vec::new();
        if let Some(entries) = parts.get(5) {
            let items: Vec<&str> = entries.split('~').collect();
            if items.len() % 2 != 0 {
                return Err("its storage entries are cut short".into());
            }
            for pair in items.chunks(2) {
                storage.push((unescape(pair[0])?, unescape(pair[1])?));
            }
        }
        Ok(SharedRun {
            recording: Recording {
                settings,
                storage,
                inputs,
            },
            ticks,
            hash,
        })
    }

    /// The run as a JSON document (the export file).
    pub fn to_json(&self) -> String {
        let inputs: Vec<Value> = self
            .recording
            .inputs
            .iter()
            .map(|(tick, input)| {
                let (kind, arg) = match input {
                    Input::Kill(n) => ("kill", Value::Int((*n).into())),
                    Input::Console(l) => ("console", Value::str(l)),
                    Input::Editor(source) => ("editor", Value::str(source)),
                    Input::Interrupt => ("interrupt", Value::Null),
                    Input::SetArrivals(x) => ("arrivals", Value::Float(*x)),
                    Input::SetChaos(x) => ("chaos", Value::Float(*x)),
                    Input::SetPersistence(p) => ("persistence", Value::str(persistence_name(*p))),
                    Input::StartApp => ("start_app", Value::Null),
                    Input::AddSessions(n) => ("add_sessions", Value::Int((*n).into())),
                    Input::Admit(n) => ("admit", Value::Int((*n).into())),
                };
                Value::object(vec![
                    ("tick", Value::Int((*tick).into())),
                    ("kind", Value::str(kind)),
                    ("arg", arg),
                    ("what", Value::str(&input.describe())),
                ])
            })
            .collect();
        let storage: Vec<Value> = self
            .recording
            .storage
            .iter()
            .map(|(k, v)| Value::Array(vec![Value::str(k), Value::str(v)]))
            .collect();
        let doc = Value::object(vec![
            ("redfour_run", Value::Int(FORMAT_VERSION.into())),
            ("settings", Value::str(&self.recording.settings.to_query())),
            ("tick_ms", Value::Int(TICK_MS.into())),
            ("ticks", Value::Int(self.ticks.into())),
            ("trace_hash", Value::str(&format!("{:016x}", self.hash))),
            ("storage", Value::Array(storage)),
            ("inputs", Value::Array(inputs)),
        ]);
        doc.to_pretty_text()
    }

    /// Reads an exported file. The error says what is wrong with it.
    pub fn from_json(text: &str) -> Result<SharedRun, String> {
        if text.len() > MAX_RUN_BYTES * 4 {
            return Err(format!(
                "it is {} KB, more than the {} KB a run file may take",
                text.len() / 1024,
                MAX_RUN_BYTES * 4 / 1024
            ));
        }
        let doc = json::parse(text).map_err(|e| format!("it is not JSON ({e})"))?;
        let version = doc
            .get("redfour_run")
            .and_then(Value::as_u64)
            .ok_or("it is not a Redfour run (no \"redfour_run\" version)")?;
        if version > u64::from(FORMAT_VERSION) {
            return Err(format!(
                "it was made by a newer Redfour (format {version}; this page reads {FORMAT_VERSION})"
            ));
        }
        if doc.get("tick_ms").and_then(Value::as_u64) != Some(TICK_MS) {
            return Err(format!("its ticks are not {TICK_MS} ms"));
        }
        let settings = settings_from(
            doc.get("settings")
                .and_then(Value::as_str)
                .ok_or("its settings are missing")?,
        )?;
        let ticks = doc
            .get("ticks")
            .and_then(Value::as_u64)
            .ok_or("its length is missing")?;
        if ticks > MAX_RUN_TICKS {
            return Err("its run is longer than 4 hours".into());
        }
        let hash = doc
            .get("trace_hash")
            .and_then(Value::as_str)
            .and_then(|h| u64::from_str_radix(h, 16).ok())
            .ok_or("its trace hash is missing or damaged")?;
        let mut storage = Vec::new();
        for e in doc
            .get("storage")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match (
                e.at(0).and_then(Value::as_str),
                e.at(1).and_then(Value::as_str),
            ) {
                (Some(k), Some(v)) => storage.push((k.to_string(), v.to_string())),
                _ => return Err("a storage entry is not [key, value]".into()),
            }
        }
        let list = doc
            .get("inputs")
            .and_then(Value::as_array)
            .ok_or("its inputs are missing")?;
        if list.len() > MAX_INPUTS {
            return Err(format!("it has more than {MAX_INPUTS} inputs"));
        }
        let mut inputs = Vec::new();
        let mut last = 0;
        for (i, e) in list.iter().enumerate() {
            let tick = e
                .get("tick")
                .and_then(Value::as_u64)
                .ok_or(format!("input {i} has no tick"))?;
            if tick < last || tick > ticks {
                return Err(format!("input {i} is out of order or after the run's end"));
            }
            last = tick;
            let arg = e.get("arg").unwrap_or(&Value::Null);
            let int = || {
                arg.as_u64()
                    .filter(|n| *n <= u64::from(u32::MAX))
                    .map(|n| n as u32)
                    .ok_or(format!("input {i}'s argument is not a whole number"))
            };
            let num = |range: (f64, f64)| {
                arg.as_f64()
                    .filter(|x| x.is_finite() && *x >= range.0 && *x <= range.1)
                    .ok_or(format!("input {i}'s argument is out of range"))
            };
            let input = match e.get("kind").and_then(Value::as_str).unwrap_or("") {
                "kill" => Input::Kill(int()?),
                "console" => Input::Console(
                    arg.as_str()
                        .ok_or(format!("input {i}'s line is not text"))?
                        .to_string(),
                ),
                "editor" => Input::Editor(
                    arg.as_str()
                        .ok_or(format!("input {i}'s source is not text"))?
                        .to_string(),
                ),
                "interrupt" => Input::Interrupt,
                "arrivals" => Input::SetArrivals(num(super::sim::ARRIVALS_RANGE)?),
                "chaos" => Input::SetChaos(num(super::sim::CHAOS_RANGE)?),
                "persistence" => {
                    Input::SetPersistence(arg.as_str().and_then(persistence_from).ok_or(
                        format!("input {i}'s persistence is neither none nor snapshot"),
                    )?)
                }
                "start_app" => Input::StartApp,
                "add_sessions" => Input::AddSessions(int()?.min(100_000)),
                "admit" => Input::Admit(int()?.min(100_000)),
                other => return Err(format!("input {i}'s kind {other:?} is unknown")),
            };
            inputs.push((tick, input));
        }
        Ok(SharedRun {
            recording: Recording {
                settings,
                storage,
                inputs,
            },
            ticks,
            hash,
        })
    }
}

/// Settings from a query, refusing (rather than ignoring) anything out of range.
fn settings_from(query: &str) -> Result<Settings, String> {
    let (settings, notices) = Settings::default().with_query_checked(query, "the run");
    match notices.first() {
        Some(n) => Err(n.trim_end_matches('.').to_string()),
        None => Ok(settings),
    }
}

fn short(s: &str) -> String {
    s.chars().take(16).collect()
}

fn base36(mut n: u64) -> String {
    if n == 0 {
        return "0".into();
    }
    let mut digits = Vec::new();
    while n > 0 {
        digits.push(std::char::from_digit((n % 36) as u32, 36).unwrap_or('0'));
        n /= 36;
    }
    digits.iter().rev().collect()
}

fn from_base36(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 12 {
        return None;
    }
    u64::from_str_radix(s, 36).ok()
}
