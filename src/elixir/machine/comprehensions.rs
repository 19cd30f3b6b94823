//! `for`: generators, filters, `into:`, `uniq:` and `reduce:`, a step at a time.

use super::*;

impl Machine {
    pub(super) fn for_start(&mut self, e: &P, args: &[P], blocks: &Rc<Blocks>) -> Option<Ctl> {
        let mut quals: Vec<P> = args.to_vec();
        // options the machine evaluated already (`into: MapSet.new()` calls console code)
        let preset = std::mem::take(&mut self.for_preset);
        let mut into = None;
        let mut uniq = false;
        let mut reduce = None;
        if let Some(last) = quals.last() {
            if let Kind::List(items, None) = &last.kind {
                if items.iter().all(|i| matches!(&i.kind, Kind::Tuple(p) if p.len() == 2 && matches!(p[0].kind, Kind::Lit(Term::Atom(_))))) && !items.is_empty() {
                    for i in items {
                        if let Kind::Tuple(p) = &i.kind {
                            if let Kind::Lit(Term::Atom(k)) = &p[0].kind {
                                let known = preset.iter().find(|(pk, _)| pk == k).map(|(_, v)| v.clone());
                                let v = match known {
                                    Some(v) => v,
                                    None if !self.is_simple(&p[1]) => {
                                        // the machine evaluates it; then `for` starts again
                                        let (e2, a2, b2, key) = (e.clone(), args.to_vec(), blocks.clone(), *k);
                                        let mut preset = preset;
                                        self.stack.push(Kont::Then(Box::new(move |m, v| {
                                            preset.push((key, v));
                                            m.for_preset = preset;
                                            let ctl = m.for_start(&e2, &a2, &b2).unwrap_or(Ctl::Ret(Term::nil()));
                                            Ok(NRet::Resume(Box::new(Suspended { konts: Vec::new(), ctl }), None))
                                        })));
                                        return Some(Ctl::Eval(p[1].clone()));
                                    }
                                    None => match self.eval_simple(&p[1]) {
                                        Ok(v) => v,
                                        Err(x) => return Some(Ctl::Throw(x)),
                                    },
                                };
                                match &*k.name() {
                                    "into" => into = Some(v),
                                    "uniq" => uniq = v.is_truthy(),
                                    "reduce" => reduce = Some(v),
                                    other => return Some(Ctl::Throw(compile_error(format!("unsupported option :{other} given to for")))),
                                }
                            }
                        }
                    }
                    quals.pop();
                }
            }
        }
        let Some(body) = blocks.get("do").cloned() else {
            return Some(Ctl::Throw(compile_error("missing :do option in \"for\"")));
        };
        // a bitstring generator, `<<r::8, g::8 <- pixels>>`: its pattern and its source
        for q in quals.iter_mut() {
            if let Kind::Bits(items) = &q.kind {
                if let Some(Kind::Binary("<-", seg, src)) = items.last().map(|l| &l.kind) {
                    let mut pat = items[..items.len() - 1].to_vec();
                    pat.push(seg.clone());
                    let line = q.line as usize;
                    *q = Expr::new(
                        Kind::Binary("<<-", Expr::new(Kind::Bits(pat), line), src.clone()),
                        line,
                    );
                }
            }
        }
        let _ = e;
        let state = ForState {
            quals,
            body,
            into,
            uniq,
            reduce: reduce.is_some(),
            acc: reduce.unwrap_or_else(Term::nil),
            out: Vec::new(),
            levels: Vec::new(),
            at: 0,
            base: self.env.len(),
        };
        Some(self.for_advance(Box::new(state), 0))
    }

    /// Evaluates qualifier `q` (or the body past the last).
    pub(super) fn for_advance(&mut self, mut st: Box<ForState>, q: usize) -> Ctl {
        if q == st.quals.len() {
            st.at = usize::MAX;
            let body = st.body.clone();
            return match body {
                Body::Expr(b) => {
                    self.stack.push(Kont::For(st));
                    Ctl::Eval(b)
                }
                Body::Clauses(c) => {
                    let acc = st.acc.clone();
                    self.stack.push(Kont::For(st));
                    self.match_clauses(&c, &[acc], 0, |v| {
                        exception(
                            "FunctionClauseError",
                            vec![
                                ("module", Term::nil()),
                                ("function", Term::nil()),
                                ("arity", Term::Int(1)),
                                ("term", v[0].clone()),
                            ],
                        )
                    })
                }
            };
        }
        st.at = q;
        let src = match &st.quals[q].kind {
            Kind::Binary("<-" | "<<-", _, src) => src.clone(),
            _ => st.quals[q].clone(),
        };
        self.stack.push(Kont::For(st));
        Ctl::Eval(src)
    }

    pub(super) fn for_step(&mut self, mut st: Box<ForState>, v: Option<Term>) -> Ctl {
        let v = v.unwrap_or_else(Term::nil);
        self.reductions += 1;
        if st.at == usize::MAX {
            // the body answered
            if st.reduce {
                st.acc = v;
            } else {
                if st.out.len() >= ops::MAX_ITEMS {
                    return Ctl::Throw(ops::too_big("a comprehension's result", st.out.len()));
                }
                st.out.push(v);
            }
            return self.for_next(st);
        }
        let q = st.at;
        match &st.quals[q].kind {
            Kind::Binary("<<-", pat, _) => {
                let Kind::Bits(items) = &pat.kind else {
                    return Ctl::Throw(compile_error("a bitstring generator needs a <<>> pattern"));
                };
                let items = items.clone();
                let pieces = match self.bits_chunks(&items, &v) {
                    Ok(p) => p,
                    Err(x) => return Ctl::Throw(x),
                };
                st.levels.push(Level {
                    qual: q,
                    items: pieces,
                    idx: 0,
                    env_len: self.env.len(),
                });
                self.for_next(st)
            }
            Kind::Binary("<-", _, _) => {
                // a stream (or a struct implementing Enumerable): its items, taken in Elixir,
                // come back here as a list
                if stdlib::enumerable::is_foreign(&v) {
                    self.stack.push(Kont::For(st));
                    return self.call_fun(
                        Fun::capture(Atom::new("redfour_enum"), Atom::new("to_list"), 1),
                        vec![v],
                    );
                }
                let items = match stdlib::enumerable::to_vec(&v) {
                    Ok(items) => items,
                    Err(x) => return Ctl::Throw(x),
                };
                st.levels.push(Level {
                    qual: q,
                    items,
                    idx: 0,
                    env_len: self.env.len(),
                });
                self.for_next(st)
            }
            _ => {
                if v.is_truthy() {
                    self.for_advance(st, q + 1)
                } else {
                    self.for_next(st)
                }
            }
        }
    }

    /// The next item of the innermost generator (popping exhausted ones).
    pub(super) fn for_next(&mut self, mut st: Box<ForState>) -> Ctl {
        loop {
            let Some(level) = st.levels.last_mut() else {
                return self.for_finish(st);
            };
            self.env.truncate(level.env_len);
            if level.idx >= level.items.len() {
                st.levels.pop();
                continue;
            }
            let item = level.items[level.idx].clone();
            level.idx += 1;
            let q = level.qual;
            let pat = match &st.quals[q].kind {
                Kind::Binary("<-" | "<<-", p, _) => p.clone(),
                _ => continue,
            };
            let base = self.env.len();
            match self.pattern_with_guard(&pat, &item, base) {
                Ok(true) => return self.for_advance(st, q + 1),
                Ok(false) => {
                    self.env.truncate(base);
                    continue;
                }
                Err(x) => return Ctl::Throw(x),
            }
        }
    }

    #[allow(clippy::boxed_local)]
    pub(super) fn for_finish(&mut self, st: Box<ForState>) -> Ctl {
        let st = *st;
        self.env.truncate(st.base);
        if st.reduce {
            return Ctl::Ret(st.acc);
        }
        let mut out = st.out;
        if st.uniq {
            let mut seen = super::super::matcher::StrictBag::default();
            out.retain(|t| seen.insert(t));
        }
        match st.into {
            None => Ctl::Ret(Term::list(out)),
            Some(into) => match stdlib::enumerable::into(&into, out) {
                Ok(t) => Ctl::Ret(t),
                Err(x) => Ctl::Throw(x),
            },
        }
    }
}
