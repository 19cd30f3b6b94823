//! ETS tables as the runtime keeps them: owned by a process, gone (or inherited) when it
//! exits, told in the trace and listed for the observer; the same order in every run.
#![cfg(not(target_arch = "wasm32"))]

use redfour::runtime::ets::{Options, MAX_OBJECTS};
use redfour::runtime::match_spec::MatchSpec;
use redfour::runtime::{Atom, Ctx, Event, Pid, Runtime, Term};

fn opts(list: Vec<Term>) -> Options {
    Options::parse(&Term::list(list)).expect("valid options")
}

/// A process that makes a table `name` with `options`, fills it with `objects`, and waits.
fn owner(rt: &Runtime, name: &str, options: Vec<Term>, objects: Vec<Term>) -> (Pid, Term) {
    let tid = std::rc::Rc::new(std::cell::RefCell::new(Term::nil()));
    let out = tid.clone();
    let name = Atom::new(name);
    let pid = rt
        .spawn(move |ctx: Ctx| async move {
            let t = ctx.ets_new(name, opts(options)).unwrap();
            ctx.ets(&t, true, |tab| tab.insert(&Term::list(objects)))
                .unwrap()
                .unwrap();
            *out.borrow_mut() = t;
            loop {
                ctx.receive().await;
            }
        })
        .unwrap();
    rt.run_until_idle();
    let t = tid.borrow().clone();
    (pid, t)
}

fn ets_notes(rt: &Runtime) -> Vec<String> {
    rt.trace_since(0)
        .into_iter()
        .filter_map(|e| match e.event {
            Event::Note { kind, text, .. } if &*kind == "ets" => Some(text.to_string()),
            _ => None,
        })
        .collect()
}

fn pair(k: Term, v: i64) -> Term {
    Term::tuple(vec![k, Term::Int(v)])
}

#[test]
fn a_table_goes_away_with_its_owner_and_the_trace_says_so() {
    let rt = Runtime::new(3);
    let (pid, _) = owner(
        &rt,
        "buckets",
        vec![Term::atom("named_table"), Term::atom("public")],
        vec![pair(Term::atom("milk"), 1)],
    );
    let tables = rt.ets_tables();
    assert_eq!(tables.len(), 1);
    assert_eq!(&*tables[0].name, "buckets");
    assert_eq!(tables[0].owner, pid);
    assert_eq!(tables[0].size, 1);
    assert!(tables[0].memory > 0);
    rt.kill(pid).unwrap();
    rt.run_until_idle();
    assert!(rt.ets_tables().is_empty(), "the table outlived its owner");
    assert_eq!(
        ets_notes(&rt),
        [
            "ETS table :buckets created (set, public)",
            "ETS table :buckets deleted: its owner exited"
        ]
    );
}

#[test]
fn an_heir_inherits_the_table_with_a_transfer_message() {
    let rt = Runtime::new(3);
    let got = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = got.clone();
    let heir = rt
        .spawn(move |ctx: Ctx| async move {
            loop {
                let m = ctx.receive().await;
                sink.borrow_mut().push(m);
            }
        })
        .unwrap();
    rt.run_until_idle();
    let (pid, tid) = owner(
        &rt,
        "kept",
        vec![Term::tuple(vec![
            Term::atom("heir"),
            Term::Pid(heir),
            Term::atom("data"),
        ])],
        vec![pair(Term::Int(1), 1)],
    );
    rt.kill(pid).unwrap();
    rt.run_until_idle();
    assert_eq!(rt.ets_tables()[0].owner, heir);
    assert_eq!(
        got.borrow().as_slice(),
        [Term::tuple(vec![
            Term::atom("ETS-TRANSFER"),
            tid,
            Term::Pid(pid),
            Term::atom("data")
        ])]
    );
    // and with the heir gone too, the table goes
    rt.kill(heir).unwrap();
    rt.run_until_idle();
    assert!(rt.ets_tables().is_empty());
}

/// A `:set` is walked in the keys' term order (OTP walks its hash order): the same in
/// every run, so a replay reads the same `tab2list`.
#[test]
fn a_set_is_walked_in_key_order_the_same_in_every_run() {
    let keys = [
        Term::atom("c"),
        Term::Int(2),
        Term::str("x"),
        Term::Float(1.0),
        Term::Int(1),
        Term::atom("a"),
    ];
    let objects: Vec<Term> = keys.iter().map(|k| pair(k.clone(), 0)).collect();
    let listing = |seed| {
        let rt = Runtime::new(seed);
        let out = std::rc::Rc::new(std::cell::RefCell::new(String::new()));
        let sink = out.clone();
        let objects = Term::list(objects.clone());
        rt.spawn(move |ctx: Ctx| async move {
            let t = ctx.ets_new(Atom::new("s"), opts(vec![])).unwrap();
            let all = ctx
                .ets(&t, true, |tab| {
                    tab.insert(&objects).unwrap();
                    tab.to_list()
                })
                .unwrap();
            *sink.borrow_mut() = Term::list(all).to_string();
            Term::atom("normal")
        })
        .unwrap();
        rt.run_until_idle();
        let s = out.borrow().clone();
        s
    };
    let first = listing(1);
    assert_eq!(
        first, r#"[{1, 0}, {2, 0}, {1.0, 0}, {:a, 0}, {:c, 0}, {"x", 0}]"#,
        "1 and 1.0 are two keys of a set"
    );
    assert_eq!(listing(99), first);
}

#[test]
fn tables_hold_what_their_kind_says() {
    let objs =
        |v: &[(i64, i64)]| Term::list(v.iter().map(|(k, x)| pair(Term::Int(*k), *x)).collect());
    let make = |kind: &str| {
        let o = opts(vec![Term::atom(kind)]);
        assert_eq!(o.kind.name(), kind);
        o
    };
    let rt = Runtime::new(1);
    let out = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = out.clone();
    let kinds = ["set", "ordered_set", "bag", "duplicate_bag"].map(make);
    rt.spawn(move |ctx: Ctx| async move {
        for (i, o) in kinds.into_iter().enumerate() {
            let t = ctx.ets_new(Atom::new(&format!("t{i}")), o).unwrap();
            let all = ctx
                .ets(&t, true, |tab| {
                    tab.insert(&objs(&[(2, 1), (1, 1), (2, 1), (2, 2)]))
                        .unwrap();
                    tab.to_list()
                })
                .unwrap();
            sink.borrow_mut().push(Term::list(all).to_string());
        }
        Term::atom("normal")
    })
    .unwrap();
    rt.run_until_idle();
    assert_eq!(
        out.borrow().as_slice(),
        [
            "[{1, 1}, {2, 2}]",
            "[{1, 1}, {2, 2}]",
            "[{1, 1}, {2, 1}, {2, 2}]",
            "[{1, 1}, {2, 1}, {2, 1}, {2, 2}]"
        ]
    );
}

#[test]
fn a_table_refuses_objects_past_its_bound_instead_of_filling_the_tab() {
    let rt = Runtime::new(1);
    let refused = std::rc::Rc::new(std::cell::Cell::new(false));
    let flag = refused.clone();
    rt.spawn(move |ctx: Ctx| async move {
        let t = ctx.ets_new(Atom::new("big"), opts(vec![])).unwrap();
        let one = pair(Term::Int(1), 1);
        let too_many = Term::list(vec![one; MAX_OBJECTS + 1]);
        let r = ctx.ets(&t, true, |tab| tab.insert(&too_many)).unwrap();
        let size = ctx.ets(&t, false, |tab| tab.size()).unwrap();
        flag.set(r.is_err_and(|e| e.1.contains("2,000,000")) && size == 0);
        Term::atom("normal")
    })
    .unwrap();
    rt.run_until_idle();
    assert!(refused.get());
}

#[test]
fn a_match_spec_nested_past_its_depth_matches_nothing_without_overflowing() {
    let mut deep = Term::atom("$1");
    for _ in 0..100_000 {
        deep = Term::tuple(vec![deep]);
    }
    let spec = MatchSpec::pattern(&deep, "$_");
    let mut obj = Term::Int(1);
    for _ in 0..100_000 {
        obj = Term::tuple(vec![obj]);
    }
    assert_eq!(spec.run(&obj), None);
    let shallow = MatchSpec::parse(&Term::list(vec![Term::tuple(vec![
        Term::tuple(vec![Term::atom("$1"), Term::atom("_")]),
        Term::list(vec![Term::tuple(vec![
            Term::atom("is_integer"),
            Term::atom("$1"),
        ])]),
        Term::list(vec![Term::atom("$1")]),
    ])]))
    .unwrap();
    assert_eq!(shallow.run(&pair(Term::Int(7), 0)), Some(Term::Int(7)));
    assert_eq!(shallow.run(&pair(Term::atom("x"), 0)), None);
}
