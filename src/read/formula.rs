//! Formulas saved without their results, worked out the way Excel would.
//!
//! Excel and WPS save each formula's result beside it, and that cached value is what a reader
//! takes. Workbooks written by programs (openpyxl, report systems' exports) often save the formula
//! alone: Excel shows the clerk the right total, but the file holds no number. Rather than read
//! such a cell as blank (0, silently wrong), the formulas reports use are evaluated here: numbers,
//! cell references of the same sheet, `+ - * /`, parentheses and `SUM` over cells and ranges. A
//! formula beyond that (another sheet, another function) stays unknown, and the reader shows its
//! text so `check` can say what to do.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// A cell's content as a formula sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operand {
    /// A number (a typed one, a cached result, or one worked out here).
    Number(f64),
    /// Text: `SUM` skips it, arithmetic on it fails (`#VALUE!` in Excel).
    Text,
    /// A formula not worked out (yet): nothing that depends on it can be.
    Unknown,
}

/// The most passes over a sheet's formulas (each works out those whose inputs are known).
const MAX_PASSES: usize = 50;
/// The most cells one range may name; a larger one (a whole column) is not a report's total.
const MAX_RANGE: u64 = 10_000;

/// Works out the formulas (`=` left off, as files store them) of a sheet from its other cells,
/// those that depend on other uncached formulas too. Returns the result of each formula that
/// could be worked out, by position.
pub fn evaluate_sheet(
    cells: &HashMap<(u32, u32), Operand>,
    formulas: &[((u32, u32), String)],
) -> HashMap<(u32, u32), f64> {
    let mut known: HashMap<(u32, u32), f64> = HashMap::default();
    let is_formula: HashSet<(u32, u32)> = formulas.iter().map(|(at, _)| *at).collect();
    let mut pending: Vec<&((u32, u32), String)> = formulas.iter().collect();
    let budget = std::cell::Cell::new(MAX_LOOKUPS);
    // Each pass works out at least one formula or stops; a cycle stays unknown. A report's totals
    // depend on each other a few levels deep; a chain deeper than MAX_PASSES is not a report's.
    for _ in 0..MAX_PASSES {
        let before = pending.len();
        pending.retain(|(at, formula)| {
            let lookup = |pos: (u32, u32)| match known.get(&pos) {
                Some(n) => Operand::Number(*n),
                None if is_formula.contains(&pos) => Operand::Unknown,
                None => cells.get(&pos).copied().unwrap_or(Operand::Number(0.0)),
            };
            match Parser::new(formula, &lookup, &budget).formula() {
                Some(n) => {
                    known.insert(*at, n);
                    false
                }
                None => true,
            }
        });
        if pending.is_empty() || pending.len() == before {
            break;
        }
    }
    known
}

/// A recursive-descent reader of one formula, evaluating as it goes.
struct Parser<'a> {
    chars: Vec<char>,
    at: usize,
    cell: &'a dyn Fn((u32, u32)) -> Operand,
    /// How deep the parentheses, signs and `SUM`s go now: bounded, so that a hostile formula
    /// (`((((…`) cannot overflow the stack.
    depth: usize,
    /// Cell lookups left for the whole sheet ([`MAX_LOOKUPS`]).
    budget: &'a std::cell::Cell<u64>,
}

/// The most cell lookups made to work out one sheet's formulas: a report's few hundred formulas
/// need thousands; a hostile sheet of a hundred thousand formulas over the largest ranges would
/// otherwise take hours. Past it the remaining formulas stay unknown.
const MAX_LOOKUPS: u64 = 5_000_000;

/// The deepest nesting of a formula worked out (Excel itself allows 64 levels).
const MAX_DEPTH: usize = 64;

impl<'a> Parser<'a> {
    fn new(formula: &str, cell: &'a dyn Fn((u32, u32)) -> Operand, budget: &'a std::cell::Cell<u64>) -> Parser<'a> {
        Parser {
            chars: formula
                .trim_start_matches('=')
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect(),
            at: 0,
            cell,
            depth: 0,
            budget,
        }
    }

    /// The whole formula's value, if every part of it is understood and known.
    fn formula(&mut self) -> Option<f64> {
        let n = self.sum()?;
        (self.at == self.chars.len() && n.is_finite()).then_some(n)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.at += 1;
        }
        hit
    }

    /// `term (+|- term)*`
    fn sum(&mut self) -> Option<f64> {
        let mut n = self.term()?;
        loop {
            if self.eat('+') {
                n += self.term()?;
            } else if self.eat('-') {
                n -= self.term()?;
            } else {
                return Some(n);
            }
        }
    }

    /// `factor (*|/ factor)*`
    fn term(&mut self) -> Option<f64> {
        let mut n = self.factor()?;
        loop {
            if self.eat('*') {
                n *= self.factor()?;
            } else if self.eat('/') {
                let d = self.factor()?;
                n = (d != 0.0).then(|| n / d)?;
            } else {
                return Some(n);
            }
        }
    }

    /// A number, a cell, `SUM(…)`, `(…)`, or a signed factor.
    fn factor(&mut self) -> Option<f64> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let n = self.factor_within();
        self.depth -= 1;
        n
    }

    fn factor_within(&mut self) -> Option<f64> {
        if self.eat('-') {
            return self.factor().map(|n| -n);
        }
        if self.eat('+') {
            return self.factor();
        }
        if self.eat('(') {
            let n = self.sum()?;
            return self.eat(')').then_some(n);
        }
        let c = self.peek()?;
        if c.is_ascii_digit() || c == '.' {
            return self.number();
        }
        let start = self.at;
        if let Some(from) = self.reference() {
            if self.eat(':') {
                return None; // a range outside SUM
            }
            return match self.lookup(from)? {
                Operand::Number(n) => Some(n),
                Operand::Text | Operand::Unknown => None,
            };
        }
        self.at = start;
        let name: String = std::iter::from_fn(|| {
            let c = self.peek().filter(char::is_ascii_alphabetic)?;
            self.at += 1;
            Some(c.to_ascii_uppercase())
        })
        .collect();
        (name == "SUM" && self.eat('(')).then_some(())?;
        self.sum_arguments()
    }

    /// The arguments of `SUM(` up to its `)`: ranges and expressions. Text in a range is skipped,
    /// as Excel does.
    fn sum_arguments(&mut self) -> Option<f64> {
        let mut total = 0.0;
        if self.eat(')') {
            return Some(0.0);
        }
        loop {
            let start = self.at;
            match self.range() {
                Some(n) => total += n,
                None => {
                    self.at = start;
                    total += self.sum()?;
                }
            }
            if self.eat(')') {
                return Some(total);
            }
            if !self.eat(',') {
                return None;
            }
        }
    }

    /// A cell's content, while the sheet's budget of lookups lasts.
    fn lookup(&self, at: (u32, u32)) -> Option<Operand> {
        let left = self.budget.get().checked_sub(1)?;
        self.budget.set(left);
        Some((self.cell)(at))
    }

    /// `A1:B3` (followed by `,` or `)`): the sum of its numbers.
    fn range(&mut self) -> Option<f64> {
        let from = self.reference()?;
        if !self.eat(':') {
            return None;
        }
        let to = self.reference()?;
        if !matches!(self.peek(), Some(',' | ')')) {
            return None;
        }
        let (r0, r1) = (from.0.min(to.0), from.0.max(to.0));
        let (c0, c1) = (from.1.min(to.1), from.1.max(to.1));
        if u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1) > MAX_RANGE {
            return None;
        }
        let mut total = 0.0;
        for r in r0..=r1 {
            for c in c0..=c1 {
                match self.lookup((r, c))? {
                    Operand::Number(n) => total += n,
                    Operand::Text => {}
                    Operand::Unknown => return None,
                }
            }
        }
        Some(total)
    }

    /// `$B$7`, `b7`: a zero-based (row, column); `None` (position unchanged only on success) when
    /// the text there is not a cell of this sheet.
    fn reference(&mut self) -> Option<(u32, u32)> {
        let start = self.at;
        let found = (|| {
            self.eat('$');
            let mut col: u32 = 0;
            let mut letters = 0;
            while let Some(c) = self.peek().filter(char::is_ascii_alphabetic) {
                col = col * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1);
                letters += 1;
                self.at += 1;
                if letters > 3 {
                    return None;
                }
            }
            self.eat('$');
            let mut row: u32 = 0;
            let mut digits = 0;
            while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                row = row.checked_mul(10)?.checked_add(d)?;
                digits += 1;
                self.at += 1;
            }
            let valid = letters > 0 && digits > 0 && row > 0 && col <= 16_384 && row <= 1_048_576;
            // `Sheet2!A1` names another sheet.
            (valid && self.peek() != Some('!') && self.peek() != Some('(')).then(|| (row - 1, col - 1))
        })();
        if found.is_none() {
            self.at = start;
        }
        found
    }

    fn number(&mut self) -> Option<f64> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
            self.at += 1;
        }
        if self.eat('E') || self.eat('e') {
            if !self.eat('-') {
                self.eat('+');
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.at += 1;
            }
        }
        self.chars[start..self.at].iter().collect::<String>().parse().ok()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formulas_are_worked_out_in_dependency_order() {
        use super::{evaluate_sheet, Operand};
        use rustc_hash::FxHashMap as HashMap;
        let mut cells = HashMap::default();
        cells.insert((0, 0), Operand::Number(2.0)); // A1
        cells.insert((0, 1), Operand::Number(3.0)); // B1
        cells.insert((0, 2), Operand::Text); // C1
        let formulas = vec![
            ((1, 0), "SUM(A1:C1)+A3".to_string()), // A2: needs A3, worked out after it
            ((2, 0), "$A$1*(B1-1)".to_string()),   // A3
            ((3, 0), "Sheet2!A1".to_string()),     // A4: another sheet, unknown
        ];
        let results = evaluate_sheet(&cells, &formulas);
        assert_eq!(results.get(&(2, 0)), Some(&4.0));
        assert_eq!(results.get(&(1, 0)), Some(&9.0));
        assert_eq!(results.get(&(3, 0)), None);
    }

    use super::*;

    fn eval(formula: &str, cells: &[((u32, u32), Operand)]) -> Option<f64> {
        let cells: HashMap<(u32, u32), Operand> = cells.iter().copied().collect();
        let formulas = vec![((100, 100), formula.to_string())];
        evaluate_sheet(&cells, &formulas).get(&(100, 100)).copied()
    }

    #[test]
    fn what_report_totals_use() {
        let row = [
            ((4, 2), Operand::Number(3.0)),
            ((4, 3), Operand::Number(4.5)),
            ((4, 4), Operand::Text),
        ];
        assert_eq!(eval("SUM(C5:E5)", &row), Some(7.5));
        assert_eq!(eval("sum(C5,D5, 1)", &row), Some(8.5));
        assert_eq!(eval("=C5+D5-1", &row), Some(6.5));
        assert_eq!(eval("C5*2/4", &row), Some(1.5));
        assert_eq!(eval("-(C5+1)", &row), Some(-4.0));
        assert_eq!(eval("SUM(C5:D5)+SUM(F5:G5)", &row), Some(7.5)); // blanks are 0
        assert_eq!(eval("1.5E2", &[]), Some(150.0));
    }

    #[test]
    fn what_is_not_understood_stays_unknown() {
        let row = [((4, 2), Operand::Number(3.0)), ((4, 4), Operand::Text)];
        for formula in [
            "C5+E5", // text in arithmetic: #VALUE!
            "AVERAGE(C5:D5)",
            "Sheet2!C5",
            "'表三'!C5+1",
            "SUM(A:A)",
            "SUM(A1:Z1000)", // more cells than a report's total names
            "C5/0",
            "C5+",
            "IF(C5>1,1,0)",
            "",
        ] {
            assert_eq!(eval(formula, &row), None, "{formula}");
        }
    }

    #[test]
    fn hostile_nesting_stays_unknown() {
        for formula in ["(".repeat(100_000), "-".repeat(100_000) + "1", "SUM(".repeat(100_000)] {
            assert_eq!(eval(&formula, &[]), None);
        }
        assert_eq!(eval(&format!("{}1{}", "(".repeat(60), ")".repeat(60)), &[]), Some(1.0));
    }

    #[test]
    fn a_hostile_sheet_stops_at_its_budget() {
        // 2,000 formulas over 9,984 cells each: 20 million lookups, four times the budget.
        let formulas: Vec<((u32, u32), String)> = (0..2000).map(|i| ((5000 + i, 0), "SUM(A1:Z384)".into())).collect();
        let known = evaluate_sheet(&HashMap::default(), &formulas);
        assert_eq!(known.len(), (MAX_LOOKUPS / 9984) as usize);
    }

    #[test]
    fn a_cycle_stays_unknown() {
        let formulas = vec![((0, 0), "B1+1".to_string()), ((0, 1), "A1+1".to_string())];
        assert!(evaluate_sheet(&HashMap::default(), &formulas).is_empty());
    }
}
