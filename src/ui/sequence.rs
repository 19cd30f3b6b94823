//! The sequence chart's model: the conversation of the processes a person chose, read from
//! the trace. A lifeline per process (the chosen ones and those they talk to), and arrows
//! in time order: `GenServer.call` and its reply (paired by the call's reference), casts,
//! plain sends, exit signals down links, `:DOWN`s, spawns, links and monitors. A chosen
//! process that dies ends with a cross and its reason; its successor's lifeline starts
//! from its supervisor's spawn arrow. Plain Rust, no browser crate: tested natively.

use crate::sorted_map::{SortedMap, SortedSet};
use std::collections::VecDeque;
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
    /// Index of the last one.
    pub last: usize,
    /// The arrow index after which it ended, and why (`:killed`).
    pub end: Option<(usize, String)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chart {
    pub lifelines: Vec<Lifeline>,
    pub arrows: Vec<Arrow>,
    /// Each lifeline's column, by pid.
    columns: SortedMap<Pid, usize>,
}

impl Chart {
    /// The column of a process's lifeline (0 if it has none).
    pub fn column(&self, pid: Pid) -> usize {
        self.columns.get(&pid).copied().unwrap_or(0)
    }
}

/// A message's label on its arrow, at most this many characters.
pub const LABEL_CHARS: usize = 40;

/// `s` cut to `max` characters, with `…` if it was longer.
pub fn abbreviate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// A chart built event by event: the Sim feeds it what it logs, so a chart of 10,000
/// messages is not rebuilt from scratch at every refresh.
#[derive(Clone, Debug, Default)]
pub struct Builder {
    chart: Chart,
    /// Calls awaiting their reply: the call's arrow, by the call's reference.
    calls: SortedMap<Ref, usize>,
    /// The process whose end (✕) is the last row: the exit signals and :DOWNs its death
    /// sends go above the ✕, so that its lifeline ends below them.
    last_end: Option<Pid>,
}

impl Builder {
    pub fn chart(&self) -> &Chart {
        &self.chart
    }

    /// A chart of these events, oldest first.
    pub fn from_events<'e>(
        events: impl IntoIterator<Item = &'e TraceEvent>,
        chosen: &SortedSet<u32>,
        name: &Namer,
    ) -> Builder {
        let mut b = Builder::default();
        for e in events {
            b.feed(e, chosen, name);
        }
        b
    }

    fn push(&mut self, at: u64, kind: Kind, from: Pid, to: Pid, full: String, name: &Namer) {
        let index = self.chart.arrows.len();
        for p in [from, to] {
            if !self.chart.columns.contains_key(&p) {
                self.chart.columns.insert(p, self.chart.lifelines.len());
                self.chart.lifelines.push(Lifeline {
                    pid: p,
                    name: name(p).unwrap_or_else(|| {
                        if p == Pid::host() {
                            "host".into()
                        } else {
                            "process".into()
                        }
                    }),
                    first: index,
                    last: index,
                    end: None,
                });
            }
        }
        for p in [from, to] {
            let col = self.chart.column(p);
            if let Some(l) = self.chart.lifelines.get_mut(col) {
                l.last = index;
            }
        }
        self.chart.arrows.push(Arrow {
            at,
            kind,
            from,
            to,
            label: abbreviate(&full, LABEL_CHARS),
            full,
            pair: None,
        });
        match self.last_end.take() {
            Some(dead) if from == dead && from != to && matches!(kind, Kind::Exit | Kind::Down) => {
                // a signal of its death: above its ✕, which stays the last row
                self.chart.arrows.swap(index - 1, index);
                for l in self.chart.lifelines.iter_mut() {
                    if l.first == index {
                        l.first = index - 1;
                    }
                    if l.pid == dead {
                        if let Some(end) = l.end.as_mut() {
                            end.0 = index;
                        }
                        l.last = index;
                    }
                }
                self.last_end = Some(dead);
            }
            _ => {}
        }
    }

    /// Lets go of the oldest arrows, keeping the newest `keep`, without formatting anything
    /// again: the rows are renumbered, and the lifelines that had only the dropped arrows go.
    pub fn keep_newest(&mut self, keep: usize) {
        let k = self.chart.arrows.len().saturating_sub(keep);
        if k == 0 {
            return;
        }
        self.chart.arrows.drain(..k);
        for a in self.chart.arrows.iter_mut() {
            a.pair = a.pair.and_then(|p| p.checked_sub(k));
        }
        self.calls = std::mem::take(&mut self.calls)
            .into_iter()
            .filter_map(|(r, i)| Some((r, i.checked_sub(k)?)))
            .collect();
        self.chart.lifelines.retain(|l| l.last >= k);
        self.chart.columns.clear();
        for (col, l) in self.chart.lifelines.iter_mut().enumerate() {
            l.first = l.first.saturating_sub(k);
            l.last -= k;
            if let Some(end) = l.end.as_mut() {
                end.0 -= k;
            }
            self.chart.columns.insert(l.pid, col);
        }
    }

    /// Adds what one event shows of the `chosen` processes' conversation.
    pub fn feed(&mut self, e: &TraceEvent, chosen: &SortedSet<u32>, name: &Namer) {
        let is_chosen = |p: Pid| chosen.contains(&p.number());
        let at = e.time;
        match &e.event {
            Event::Send { from, to, msg } => {
                let from = from.unwrap_or_else(Pid::host);
                if !is_chosen(from) && !is_chosen(*to) {
                    return;
                }
                match msg.as_tuple() {
                    Some([Term::Atom(tag), Term::Tuple(caller), request])
                        if *tag == Atom::GEN_CALL =>
                    {
                        if let Some(Term::Ref(r)) = caller.get(1) {
                            self.calls.insert(*r, self.chart.arrows.len());
                        }
                        self.push(at, Kind::Call, from, *to, request.to_string(), name);
                    }
                    Some([Term::Atom(tag), m]) if *tag == Atom::GEN_CAST => {
                        self.push(at, Kind::Cast, from, *to, m.to_string(), name);
                    }
                    // a :DOWN is drawn from its event; an exit signal to a process that
                    // traps exits arrives as {:EXIT, pid, reason}
                    Some([Term::Atom(tag), ..]) if &*tag.name() == "DOWN" => {}
                    Some([Term::Atom(tag), _, reason]) if &*tag.name() == "EXIT" => {
                        self.push(at, Kind::Exit, from, *to, format!("EXIT {reason}"), name);
                    }
                    Some([Term::Ref(r), reply]) if self.calls.contains_key(r) => {
                        let call = self.calls.remove(r);
                        self.push(at, Kind::Reply, from, *to, reply.to_string(), name);
                        let me = self.chart.arrows.len() - 1;
                        if let Some(c) = call {
                            self.chart.arrows[me].pair = Some(c);
                            self.chart.arrows[c].pair = Some(me);
                        }
                    }
                    _ => self.push(at, Kind::Send, from, *to, msg.to_string(), name),
                }
            }
            Event::Spawn {
                pid,
                parent: Some(parent),
                ..
            } if is_chosen(*pid) || is_chosen(*parent) => {
                self.push(at, Kind::Spawn, *parent, *pid, String::new(), name);
            }
            Event::Link { a, b } if is_chosen(*a) || is_chosen(*b) => {
                self.push(at, Kind::Link, *a, *b, String::new(), name);
            }
            Event::Monitor {
                watcher, target, ..
            } if is_chosen(*watcher) || is_chosen(*target) => {
                self.push(at, Kind::Monitor, *watcher, *target, String::new(), name);
            }
            Event::Down {
                watcher,
                target,
                reason,
            } if is_chosen(*watcher) || is_chosen(*target) => {
                self.push(
                    at,
                    Kind::Down,
                    *target,
                    *watcher,
                    format!("{{:DOWN, {reason}}}"),
                    name,
                );
            }
            Event::Exit { pid, reason } if is_chosen(*pid) => {
                // the lifeline ends here: a row of its own, a cross and the reason
                self.push(at, Kind::Exit, *pid, *pid, format!("exited {reason}"), name);
                let row = self.chart.arrows.len() - 1;
                let col = self.chart.column(*pid);
                if let Some(l) = self.chart.lifelines.get_mut(col) {
                    l.end = Some((row, reason.to_string()));
                }
                self.last_end = Some(*pid);
            }
            _ => {}
        }
    }
}

/// What to call a pid in the chart (its registered name, or its module).
pub type Namer<'a> = dyn Fn(Pid) -> Option<String> + 'a;

/// Builds the chart of `chosen` (and whoever they talk to) from trace events, oldest first.
/// `name` gives a pid's name (its registered name, or its module).
pub fn build(
    events: &VecDeque<TraceEvent>,
    chosen: &SortedSet<u32>,
    name: impl Fn(Pid) -> Option<String>,
) -> Chart {
    Builder::from_events(events, chosen, &name).chart
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
