//! The sequence chart's model: the conversation of the processes a person chose, read from
//! the trace. A lifeline per process (the chosen ones and those they talk to), and arrows
//! in time order: `GenServer.call` and its reply (paired by the call's reference), casts,
//! plain sends, exit signals down links, `:DOWN`s, spawns, links and monitors. A chosen
//! process that dies ends with a cross and its reason; its successor's lifeline starts
//! from its supervisor's spawn arrow. Plain Rust, no browser crate: tested natively.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write;

use crate::runtime::{Atom, Event, Pid, Ref, Term, TraceEvent};

/// What an arrow is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Call,
    Reply,
    Cast,
    Send,
    /// An exit signal travelling down a link (with the reason).
    Exit,
    Down,
    Spawn,
    Link,
    Monitor,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Call => "call",
            Kind::Reply => "reply",
            Kind::Cast => "cast",
            Kind::Send => "send",
            Kind::Exit => "exit",
            Kind::Down => "down",
            Kind::Spawn => "spawn",
            Kind::Link => "link",
            Kind::Monitor => "monitor",
        }
    }
}

/// One arrow between two lifelines.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// Virtual ms.
    pub at: u64,
    pub kind: Kind,
    pub from: Pid,
    pub to: Pid,
    /// The message, abbreviated to `LABEL_CHARS`.
    pub label: String,
    /// The whole message.
    pub full: String,
    /// A call's reply (or a reply's call): its index in `arrows`.
    pub pair: Option<usize>,
}

/// A process in the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Lifeline {
    pub pid: Pid,
    pub name: String,
    /// Index of the first arrow it takes part in.
    pub first: usize,
    /// The arrow index after which it ended, and why (`:killed`).
    pub end: Option<(usize, String)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chart {
    pub lifelines: Vec<Lifeline>,
    pub arrows: Vec<Arrow>,
}

/// A message's label on its arrow, at most this many characters.
pub const LABEL_CHARS: usize = 40;

fn abbreviate(s: &str) -> String {
    if s.chars().count() <= LABEL_CHARS {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(LABEL_CHARS - 1).collect();
        out.push('…');
        out
    }
}

/// Builds the chart of `chosen` (and whoever they talk to) from trace events, oldest first.
/// `name` gives a pid's name (its registered name, or its module).
pub fn build(
    events: &VecDeque<TraceEvent>,
    chosen: &BTreeSet<u32>,
    name: impl Fn(Pid) -> Option<String>,
) -> Chart {
    let mut arrows: Vec<Arrow> = Vec::new();
    let mut ends: BTreeMap<Pid, (usize, String)> = BTreeMap::new();
    let mut calls: BTreeMap<Ref, usize> = BTreeMap::new();
    let is_chosen = |p: Pid| chosen.contains(&p.number());
    let push = |arrows: &mut Vec<Arrow>, at, kind, from, to, full: String| {
        arrows.push(Arrow {
            at,
            kind,
            from,
            to,
            label: abbreviate(&full),
            full,
            pair: None,
        });
    };
    for e in events {
        let at = e.time;
        match &e.event {
            Event::Send { from, to, msg } => {
                let from = from.unwrap_or_else(Pid::host);
                if !is_chosen(from) && !is_chosen(*to) {
                    continue;
                }
                match msg.as_tuple() {
                    Some([Term::Atom(tag), Term::Tuple(caller), request])
                        if *tag == Atom::GEN_CALL =>
                    {
                        if let Some(Term::Ref(r)) = caller.get(1) {
                            calls.insert(*r, arrows.len());
                        }
                        push(&mut arrows, at, Kind::Call, from, *to, request.to_string());
                    }
                    Some([Term::Atom(tag), m]) if *tag == Atom::GEN_CAST => {
                        push(&mut arrows, at, Kind::Cast, from, *to, m.to_string());
                    }
                    // a :DOWN is drawn from its event; an exit signal to a process that
                    // traps exits arrives as {:EXIT, pid, reason}
                    Some([Term::Atom(tag), ..]) if &*tag.name() == "DOWN" => {}
                    Some([Term::Atom(tag), _, reason]) if &*tag.name() == "EXIT" => {
                        push(
                            &mut arrows,
                            at,
                            Kind::Exit,
                            from,
                            *to,
                            format!("EXIT {reason}"),
                        );
                    }
                    Some([Term::Ref(r), reply]) if calls.contains_key(r) => {
                        let call = calls.remove(r);
                        push(&mut arrows, at, Kind::Reply, from, *to, reply.to_string());
                        let me = arrows.len() - 1;
                        if let Some(c) = call {
                            arrows[me].pair = Some(c);
                            arrows[c].pair = Some(me);
                        }
                    }
                    _ => push(&mut arrows, at, Kind::Send, from, *to, msg.to_string()),
                }
            }
            Event::Spawn {
                pid,
                parent: Some(parent),
                ..
            } if is_chosen(*pid) || is_chosen(*parent) => {
                push(&mut arrows, at, Kind::Spawn, *parent, *pid, String::new());
            }
            Event::Link { a, b } if is_chosen(*a) || is_chosen(*b) => {
                push(&mut arrows, at, Kind::Link, *a, *b, String::new());
            }
            Event::Monitor {
                watcher, target, ..
            } if is_chosen(*watcher) || is_chosen(*target) => {
                push(
                    &mut arrows,
                    at,
                    Kind::Monitor,
                    *watcher,
                    *target,
                    String::new(),
                );
            }
            Event::Down {
                watcher,
                target,
                reason,
            } if is_chosen(*watcher) || is_chosen(*target) => {
                push(
                    &mut arrows,
                    at,
                    Kind::Down,
                    *target,
                    *watcher,
                    format!("{{:DOWN, {reason}}}"),
                );
            }
            Event::Exit { pid, reason } if is_chosen(*pid) => {
                // the lifeline ends here: a row of its own, a cross and the reason
                push(
                    &mut arrows,
                    at,
                    Kind::Exit,
                    *pid,
                    *pid,
                    format!("exited {reason}"),
                );
                ends.insert(*pid, (arrows.len() - 1, reason.to_string()));
            }
            _ => {}
        }
    }
    // Lifelines in order of first appearance.
    let mut lifelines: Vec<Lifeline> = Vec::new();
    let mut seen: BTreeSet<Pid> = BTreeSet::new();
    for (i, a) in arrows.iter().enumerate() {
        for p in [a.from, a.to] {
            if seen.insert(p) {
                lifelines.push(Lifeline {
                    pid: p,
                    name: name(p).unwrap_or_else(|| {
                        if p == Pid::host() {
                            "host".into()
                        } else {
                            "process".into()
                        }
                    }),
                    first: i,
                    end: ends.get(&p).cloned(),
                });
            }
        }
    }
    for (pid, end) in &ends {
        if seen.insert(*pid) {
            lifelines.push(Lifeline {
                pid: *pid,
                name: name(*pid).unwrap_or_else(|| "process".into()),
                first: end.0,
                end: Some(end.clone()),
            });
        }
    }
    Chart { lifelines, arrows }
}

/// Mermaid's `sequenceDiagram` text of the chart (the format Kino's `render_seq_trace` uses).
pub fn mermaid(chart: &Chart) -> String {
    let mut out = String::from("sequenceDiagram\n");
    let id = |p: Pid| format!("P{}", p.number());
    for l in &chart.lifelines {
        let _ = writeln!(
            out,
            "    participant {} as {} {}",
            id(l.pid),
            mermaid_text(&l.name),
            l.pid.short()
        );
    }
    for a in &chart.arrows {
        if a.kind == Kind::Exit && a.from == a.to {
            let _ = writeln!(
                out,
                "    Note over {}: {}",
                id(a.from),
                mermaid_text(&a.label)
            );
            continue;
        }
        let arrow = match a.kind {
            Kind::Call | Kind::Send | Kind::Spawn => "->>",
            Kind::Reply => "-->>",
            Kind::Cast => "-)",
            Kind::Exit | Kind::Down => "-x",
            Kind::Link | Kind::Monitor => "-->",
        };
        let label = match a.kind {
            Kind::Send | Kind::Exit | Kind::Down => a.label.clone(),
            kind if a.label.is_empty() => kind.name().to_string(),
            kind => format!("{} {}", kind.name(), a.label),
        };
        let _ = writeln!(
            out,
            "    {}{arrow}{}: {}",
            id(a.from),
            id(a.to),
            mermaid_text(&label)
        );
    }
    out
}

/// Mermaid breaks on `;`, `#` and line breaks in a label: they are replaced.
fn mermaid_text(s: &str) -> String {
    s.replace(';', ",").replace('#', "").replace('\n', " ")
}
