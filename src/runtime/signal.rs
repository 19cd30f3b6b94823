//! Exit reasons and what an exit signal does to the process that receives it
//! (Erlang's `erlang:exit/2` and the link rules).

use super::term::{Atom, Term};

/// `normal`: a process that finished its work.
pub fn normal() -> Term {
    Term::Atom(Atom::NORMAL)
}
/// `shutdown`: a supervisor stopping a child, or a supervisor giving up.
pub fn shutdown() -> Term {
    Term::Atom(Atom::SHUTDOWN)
}
/// `kill`: the untrappable reason for `Process.exit(pid, :kill)`.
pub fn kill() -> Term {
    Term::Atom(Atom::KILL)
}
/// `killed`: what links and monitors see of a process that was sent `kill`.
pub fn killed() -> Term {
    Term::Atom(Atom::KILLED)
}

/// `normal`, `shutdown` and `{:shutdown, term}` are not crashes: not logged as errors,
/// and a `transient` child is not restarted after them.
pub fn is_clean(reason: &Term) -> bool {
    reason.is_atom(Atom::NORMAL) || is_shutdown(reason)
}

pub fn is_shutdown(reason: &Term) -> bool {
    reason.is_atom(Atom::SHUTDOWN)
        || matches!(reason.as_tuple(), Some([Term::Atom(a), _]) if *a == Atom::SHUTDOWN)
}

/// What an exit signal does to its receiver.
#[derive(Debug, PartialEq)]
pub(crate) enum SignalEffect {
    /// Nothing happens (reason `normal` to a process that does not trap exits).
    Ignore,
    /// The receiver traps exits: it gets `{:EXIT, from, reason}` as a message.
    Message,
    /// The receiver dies with this reason.
    Die(Term),
}

/// The rules of `erlang:exit/2` and of links. `direct` is true for `Process.exit/2`
/// (only there is `kill` untrappable); `to_self` when a process signals itself.
pub(crate) fn effect(reason: &Term, trapping: bool, direct: bool, to_self: bool) -> SignalEffect {
    if direct && reason.is_atom(Atom::KILL) {
        return SignalEffect::Die(killed());
    }
    if trapping {
        return SignalEffect::Message;
    }
    if reason.is_atom(Atom::NORMAL) {
        return if direct && to_self {
            SignalEffect::Die(normal())
        } else {
            SignalEffect::Ignore
        };
    }
    SignalEffect::Die(reason.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kill_is_untrappable_only_when_sent_directly() {
        assert_eq!(
            effect(&kill(), true, true, false),
            SignalEffect::Die(killed())
        );
        assert_eq!(effect(&kill(), true, false, false), SignalEffect::Message);
        assert_eq!(effect(&normal(), false, true, false), SignalEffect::Ignore);
        assert_eq!(
            effect(&normal(), false, true, true),
            SignalEffect::Die(normal())
        );
        assert_eq!(
            effect(&shutdown(), false, false, false),
            SignalEffect::Die(shutdown())
        );
        assert!(is_clean(&Term::tuple(vec![shutdown(), Term::Int(1)])));
        assert!(!is_clean(&killed()));
    }
}
