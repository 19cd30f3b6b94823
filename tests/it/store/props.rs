//! Property test: random cart changes and kills. Under `snapshot`, every change acknowledged
//! before a kill is there after the restart; under `none`, the books count exactly what the
//! kills took.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use proptest::prelude::*;
use redfour::runtime::gen_server;
use redfour::runtime::{Ctx, Runtime, Term};
use redfour::store::session_store::{MemoryBackend, SharedBackend};
use redfour::store::shopping::{self, Persistence, StoreConfig};

const KEYS: [&str; 3] = ["ann", "ben", "cy"];
const SKUS: [&str; 3] = ["R4-MUG", "R4-VISOR", "R4-BOOTS"];

#[derive(Clone, Debug)]
enum Op {
    Select(usize, usize, i64),
    Change(usize, usize, i64),
    Remove(usize, usize),
    Kill(usize),
    Wait(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3usize, 0..3usize, 1..4i64).prop_map(|(k, s, q)| Op::Select(k, s, q)),
        2 => (0..3usize, 0..3usize, 0..4i64).prop_map(|(k, s, q)| Op::Change(k, s, q)),
        1 => (0..3usize, 0..3usize).prop_map(|(k, s)| Op::Remove(k, s)),
        2 => (0..3usize).prop_map(Op::Kill),
        1 => (0..3_000u64).prop_map(Op::Wait),
    ]
}

fn call(rt: &Runtime, key: &str, request: Term) -> Option<Term> {
    let key = key.to_string();
    rt.block_on(move |ctx: Ctx| async move {
        gen_server::call(&ctx, key.as_str(), request, Some(5000))
            .await
            .ok()
    })
    .ok()
    .flatten()
}

fn cart(rt: &Runtime, key: &str) -> BTreeMap<String, i64> {
    let state = rt
        .state_of(rt.whereis(key).expect("session alive"))
        .expect("state");
    state
        .get("items")
        .and_then(|i| i.as_list())
        .unwrap_or(&[])
        .iter()
        .map(|i| {
            (
                i.get("sku").unwrap().as_str().unwrap().to_string(),
                i.get("quantity").unwrap().as_int().unwrap(),
            )
        })
        .collect()
}

fn run(policy: Persistence, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let rt = Runtime::new(5);
    let backend: SharedBackend = Rc::new(RefCell::new(MemoryBackend::default()));
    shopping::install(
        &rt,
        StoreConfig {
            backend,
            persistence: policy,
            idle_ms: 3_600_000,
        },
    );
    shopping::boot(&rt).unwrap();
    for key in KEYS {
        rt.block_on(move |ctx: Ctx| async move {
            shopping::start_session(&ctx, &Term::atom(key)).await
        })
        .unwrap()
        .unwrap();
    }
    // What each customer was told is in the cart (acknowledged changes only).
    let mut model: Vec<BTreeMap<String, i64>> = vec![BTreeMap::new(); KEYS.len()];
    let mut lost = 0i64;
    for op in ops {
        match op {
            Op::Select(k, s, q) => {
                let req = Term::tuple(vec![
                    Term::atom("select_item"),
                    Term::str(SKUS[s]),
                    Term::Int(q),
                ]);
                if call(&rt, KEYS[k], req) == Some(Term::ok()) {
                    *model[k].entry(SKUS[s].to_string()).or_insert(0) += q;
                }
            }
            Op::Change(k, s, q) => {
                let req = Term::tuple(vec![
                    Term::atom("change_item"),
                    Term::str(SKUS[s]),
                    Term::Int(q),
                ]);
                if call(&rt, KEYS[k], req) == Some(Term::ok()) {
                    if q == 0 {
                        model[k].remove(SKUS[s]);
                    } else {
                        model[k].insert(SKUS[s].to_string(), q);
                    }
                }
            }
            Op::Remove(k, s) => {
                let req = Term::tuple(vec![Term::atom("remove_item"), Term::str(SKUS[s])]);
                if call(&rt, KEYS[k], req) == Some(Term::ok()) {
                    model[k].remove(SKUS[s]);
                }
            }
            Op::Kill(k) => {
                let pid = rt.whereis(KEYS[k]).unwrap();
                rt.kill(pid).unwrap();
                // Two seconds between kills: never more than 3 restarts in 5 s, so the
                // SessionSupervisor never gives up here (escalation is tested elsewhere).
                rt.advance(2_000);
                prop_assert!(
                    rt.whereis(KEYS[k]).is_some_and(|p| p != pid),
                    "restarted with a new pid"
                );
                if policy == Persistence::None {
                    lost += model[k].values().sum::<i64>();
                    model[k].clear();
                }
            }
            Op::Wait(ms) => rt.advance(ms),
        }
        for (k, key) in KEYS.iter().enumerate() {
            prop_assert_eq!(&cart(&rt, key), &model[k], "{}'s cart", key);
        }
    }
    rt.run_until_idle();
    prop_assert_eq!(shopping::figures(&rt).items_lost, lost);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn snapshot_keeps_every_acknowledged_change(ops in proptest::collection::vec(op(), 1..30)) {
        run(Persistence::Snapshot, ops)?;
    }

    #[test]
    fn none_counts_exactly_what_kills_took(ops in proptest::collection::vec(op(), 1..30)) {
        run(Persistence::None, ops)?;
    }
}
