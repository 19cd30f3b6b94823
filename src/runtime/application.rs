//! Applications: named supervision trees started and stopped as a unit
//! (`Application.start(:shopping)`, `Application.stop(:shopping)`).
//!
//! Each running application has a master process that starts the root supervisor from the
//! application's child spec (declared with `Runtime::define_application`) and watches it.
//! When the root exits, because it gave up or was stopped, the trace records
//! "application shopping exited: shutdown" and the application can be started again.

use std::rc::Rc;

use super::context::Ctx;
use super::gen_server::StartResult;
use super::pid::Pid;
use super::scheduler::{is_down_for, SpawnOpts};
use super::signal;
use super::supervisor::ChildSpec;
use super::term::{Atom, Term};
use super::trace::Event;

fn app_atom(name: &str) -> Term {
    Term::atom(name)
}

/// How the log line prints the root's exit reason: Erlang's `~p`, so atoms bare
/// ("Application shopping exited: shutdown", as Elixir 1.14 logs it).
fn reason_text(reason: &Term) -> String {
    match reason {
        Term::Atom(a) => a.name().to_string(),
        other => other.to_string(),
    }
}

fn note(ctx: &Ctx, text: String) {
    ctx.emit(Event::Note {
        pid: Some(ctx.pid()),
        kind: Rc::from("application"),
        text: Rc::from(text.as_str()),
    });
}

/// `Application.start(name)`: `:ok`, `{:error, {:already_started, name}}`, or
/// `{:error, reason}` when the root supervisor does not start.
pub async fn start(ctx: &Ctx, name: &str) -> Term {
    if ctx.application_master(name).is_some() {
        return Term::error_tuple(Term::tuple(vec![
            Term::Atom(Atom::ALREADY_STARTED),
            app_atom(name),
        ]));
    }
    let Some(spec_term) = ctx.application_spec(name) else {
        return Term::error_tuple(Term::tuple(vec![Term::atom("not_found"), app_atom(name)]));
    };
    let spec = match ChildSpec::from_term(&spec_term, |m| {
        ctx.module(m).map(|d| (d.restart, d.shutdown, d.kind))
    }) {
        Ok(spec) => spec,
        Err(reason) => return Term::error_tuple(reason),
    };
    let ack = ctx.make_ref();
    let starter = ctx.pid();
    let app: Rc<str> = Rc::from(name);
    let label = format!("application_master {name}");
    let Some(master) = ctx
        .spawn_opts(SpawnOpts::default().labelled(&label), move |c| {
            run_master(c, app, spec, starter, ack)
        })
        .ok()
    else {
        return Term::error_tuple(Term::Atom(Atom::NOPROC));
    };
    let mref = ctx.monitor(master);
    let is_ack = |m: &Term| matches!(m.as_tuple(), Some([Term::Atom(a), Term::Ref(r), _]) if *a == Atom::ACK && *r == ack);
    let got = ctx
        .receive_match(|m| is_ack(m) || is_down_for(m, mref), None)
        .await;
    ctx.demonitor(mref, true);
    match got.as_ref().and_then(|m| m.as_tuple()) {
        Some([_, _, result]) if is_ack(got.as_ref().unwrap_or(&Term::nil())) => result.clone(),
        Some([_, _, _, _, reason]) => Term::error_tuple(reason.clone()),
        _ => Term::error_tuple(Term::nil()),
    }
}

/// `Application.stop(name)`: `:ok`, or `{:error, {:not_started, name}}`.
pub async fn stop(ctx: &Ctx, name: &str) -> Term {
    let Some(master) = ctx.application_master(name) else {
        return Term::error_tuple(Term::tuple(vec![Term::atom("not_started"), app_atom(name)]));
    };
    let mref = ctx.monitor(master);
    ctx.send(
        master,
        Term::tuple(vec![Term::Atom(Atom::STOP), Term::Pid(ctx.pid())]),
    );
    ctx.receive_match(|m| is_down_for(m, mref), None).await;
    Term::ok()
}

async fn run_master(
    ctx: Ctx,
    name: Rc<str>,
    spec: ChildSpec,
    starter: Pid,
    ack: super::pid::Ref,
) -> Term {
    ctx.trap_exit(true);
    let reply = |result: Term| {
        ctx.send(
            starter,
            Term::tuple(vec![Term::Atom(Atom::ACK), Term::Ref(ack), result]),
        );
    };
    let Some(module) = ctx.module(&spec.module) else {
        reply(Term::error_tuple(Term::tuple(vec![
            Term::atom("undef"),
            Term::Atom(Atom::module(&spec.module)),
        ])));
        return signal::normal();
    };
    let root = match (module.start)(ctx.clone(), spec.args.clone(), 0).await {
        StartResult::Ok(root) => root,
        StartResult::Ignore => {
            reply(Term::error_tuple(Term::Atom(Atom::IGNORE)));
            return signal::normal();
        }
        StartResult::Error(reason) => {
            reply(Term::error_tuple(Term::tuple(vec![
                Term::tuple(vec![
                    Term::atom("bad_return"),
                    Term::error_tuple(reason.clone()),
                ]),
                Term::tuple(vec![
                    Term::atom(&name),
                    Term::atom("start"),
                    Term::list(vec![]),
                ]),
            ])));
            return signal::normal();
        }
    };
    ctx.set_application(&name, Some(ctx.pid()));
    note(&ctx, format!("application {name} started"));
    reply(Term::ok());
    loop {
        let msg = ctx.receive().await;
        match msg.as_tuple() {
            Some([Term::Atom(a), Term::Pid(p), reason]) if *a == Atom::EXIT && *p == root => {
                ctx.set_application(&name, None);
                note(
                    &ctx,
                    format!("application {name} exited: {}", reason_text(reason)),
                );
                return signal::normal();
            }
            Some([Term::Atom(a), Term::Pid(_)]) if *a == Atom::STOP => {
                let mref = ctx.monitor(root);
                ctx.unlink(root);
                ctx.exit_signal(root, signal::shutdown());
                ctx.receive_match(|m| is_down_for(m, mref), None).await;
                ctx.set_application(&name, None);
                note(&ctx, format!("application {name} exited: :stopped"));
                return signal::normal();
            }
            _ => {}
        }
    }
}
