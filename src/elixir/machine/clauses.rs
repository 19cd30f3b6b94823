//! Clauses: which clause of a `case`, `fn` or `def` matches, with its guard.

use super::*;

impl Machine {
    /// Matches `vals` against clauses (`case`, `fn`, `with … else`), evaluating the first
    /// that matches in its own scope.
    pub(super) fn match_clauses(
        &mut self,
        clauses: &Rc<[Clause]>,
        vals: &[Term],
        _line: usize,
        err: impl Fn(&[Term]) -> Exc,
    ) -> Ctl {
        let base = self.env.len();
        for c in clauses.iter() {
            match self.clause_matches(c, vals, base) {
                Ok(true) => {
                    self.stack.push(Kont::Truncate(base));
                    return Ctl::Eval(c.body.clone());
                }
                Ok(false) => self.env.truncate(base),
                Err(x) => {
                    self.env.truncate(base);
                    return Ctl::Throw(x);
                }
            }
        }
        Ctl::Throw(err(vals))
    }

    pub(super) fn clause_matches(&mut self, c: &Clause, vals: &[Term], base: usize) -> R<bool> {
        if c.args.len() != vals.len() {
            return Ok(false);
        }
        for (p, v) in c.args.iter().zip(vals) {
            if !self.pattern(p, v, base)? {
                return Ok(false);
            }
        }
        match &c.guard {
            None => Ok(true),
            Some(g) => Ok(self.guard(g)),
        }
    }

    /// A guard: errors count as false, as in Elixir.
    pub(super) fn guard(&mut self, g: &Expr) -> bool {
        match &g.kind {
            Kind::Binary("when", a, b) => self.guard(a) || self.guard(b),
            _ => self
                .eval_simple(g)
                .map(|t| t.is_truthy() && t == Term::bool(true))
                .unwrap_or(false),
        }
    }

    pub(super) fn pattern_with_guard(&mut self, pat: &Expr, v: &Term, base: usize) -> R<bool> {
        match &pat.kind {
            Kind::Binary("when", p, g) => Ok(self.pattern(p, v, base)? && self.guard(g)),
            _ => self.pattern(pat, v, base),
        }
    }

    pub(super) fn next_cond(&mut self, clauses: Rc<[Clause]>, i: usize) -> Ctl {
        match clauses.get(i) {
            None => Ctl::Throw(exception("CondClauseError", vec![])),
            Some(c) => {
                let Some(cond) = c.args.first().cloned() else {
                    return Ctl::Throw(compile_error("expected -> clauses for :do in \"cond\""));
                };
                self.stack.push(Kont::Cond(clauses.clone(), i));
                Ctl::Eval(cond)
            }
        }
    }
}
