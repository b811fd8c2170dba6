//! Formulas saved without their results, worked out the way Excel would.
//!
//! Excel and WPS save each formula's result beside it, and that cached value is what a reader
//! takes. Workbooks written by programs (openpyxl, report systems' exports) often save the formula
//! alone: Excel shows the clerk the right total, but the file holds no number. Rather than read
//! such a cell as blank (0, silently wrong), the formulas reports use are evaluated here — every
//! formula our own template writes among them: numbers, text in quotes, cell references of the
//! same sheet, `+ - * /`, `&`, comparisons (`= <> < > <= >=`), parentheses, and `SUM`, `COUNT`,
//! `COUNTA`, `ABS`, `IF`, `AND`, `OR`, `NOT` over cells and ranges. A formula beyond that (another
//! sheet, another function) stays unknown, and the reader shows its text so `check` can say what
//! to do.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// A cell's content as a formula sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A number (a typed one, a cached result, or one worked out here).
    Number(f64),
    /// Text: `SUM` and `COUNT` skip it, `COUNTA` counts it, arithmetic on it fails (`#VALUE!`).
    Text(String),
    /// A formula not worked out (yet), or an error value: nothing that depends on it can be.
    Unknown,
}

/// What a formula worked out to.
#[derive(Debug, Clone, PartialEq)]
pub enum Evaluated {
    /// A number.
    Number(f64),
    /// Text (`""` for the empty text our template's totals show until a row is filled).
    Text(String),
}

/// A value while a formula is worked out.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Num(f64),
    Text(String),
    Bool(bool),
    /// A reference to an empty cell: 0 in arithmetic, `""` in comparisons, skipped by `COUNT`.
    Empty,
}

impl V {
    /// As a number in arithmetic: text is `#VALUE!`.
    fn num(&self) -> Option<f64> {
        match self {
            V::Num(n) => Some(*n),
            V::Bool(b) => Some(f64::from(u8::from(*b))),
            V::Empty => Some(0.0),
            V::Text(_) => None,
        }
    }

    /// As a condition.
    fn truth(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            V::Num(n) => Some(*n != 0.0),
            V::Empty => Some(false),
            V::Text(_) => None,
        }
    }

    /// As text for `&`.
    fn text(&self) -> String {
        match self {
            V::Num(n) => crate::model::format_number(*n),
            V::Text(t) => t.clone(),
            V::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            V::Empty => String::new(),
        }
    }
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
) -> HashMap<(u32, u32), Evaluated> {
    let mut known: HashMap<(u32, u32), Evaluated> = HashMap::default();
    let is_formula: HashSet<(u32, u32)> = formulas.iter().map(|(at, _)| *at).collect();
    let mut pending: Vec<&((u32, u32), String)> = formulas.iter().collect();
    let budget = std::cell::Cell::new(MAX_LOOKUPS);
    // Each pass works out at least one formula or stops; a cycle stays unknown. A report's totals
    // depend on each other a few levels deep; a chain deeper than MAX_PASSES is not a report's.
    for _ in 0..MAX_PASSES {
        let before = pending.len();
        pending.retain(|(at, formula)| {
            let lookup = |pos: (u32, u32)| match known.get(&pos) {
                Some(Evaluated::Number(n)) => Some(V::Num(*n)),
                Some(Evaluated::Text(t)) => Some(V::Text(t.clone())),
                None if is_formula.contains(&pos) => None,
                None => match cells.get(&pos) {
                    Some(Operand::Number(n)) => Some(V::Num(*n)),
                    Some(Operand::Text(t)) => Some(V::Text(t.clone())),
                    Some(Operand::Unknown) => None,
                    None => Some(V::Empty),
                },
            };
            match Parser::new(formula, &lookup, &budget).formula() {
                Some(v) => {
                    known.insert(*at, v);
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
    cell: &'a dyn Fn((u32, u32)) -> Option<V>,
    /// How deep the parentheses, signs and functions go now: bounded, so that a hostile formula
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

/// An argument of a function: a range's cells, or one value.
enum Arg {
    Range(Vec<V>),
    One(V),
}

impl<'a> Parser<'a> {
    fn new(formula: &str, cell: &'a dyn Fn((u32, u32)) -> Option<V>, budget: &'a std::cell::Cell<u64>) -> Parser<'a> {
        // Spaces matter only inside quoted text.
        let mut chars = Vec::new();
        let mut quoted = false;
        for c in formula.trim_start_matches('=').chars() {
            if c == '"' {
                quoted = !quoted;
            }
            if quoted || !c.is_whitespace() {
                chars.push(c);
            }
        }
        Parser {
            chars,
            at: 0,
            cell,
            depth: 0,
            budget,
        }
    }

    /// The whole formula's value, if every part of it is understood and known.
    fn formula(&mut self) -> Option<Evaluated> {
        let v = self.expr()?;
        if self.at != self.chars.len() {
            return None;
        }
        match v {
            V::Num(n) if n.is_finite() => Some(Evaluated::Number(n)),
            V::Num(_) => None,
            V::Empty => Some(Evaluated::Number(0.0)),
            V::Text(t) => Some(Evaluated::Text(t)),
            V::Bool(b) => Some(Evaluated::Text(if b { "TRUE" } else { "FALSE" }.into())),
        }
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

    /// `concat (op concat)?` with op one of `= <> < > <= >=`.
    fn expr(&mut self) -> Option<V> {
        let a = self.concat()?;
        let op = if self.eat('=') {
            "="
        } else if self.eat('<') {
            if self.eat('>') {
                "<>"
            } else if self.eat('=') {
                "<="
            } else {
                "<"
            }
        } else if self.eat('>') {
            if self.eat('=') {
                ">="
            } else {
                ">"
            }
        } else {
            return Some(a);
        };
        let b = self.concat()?;
        let ord = compare(&a, &b)?;
        use std::cmp::Ordering::{Equal, Greater, Less};
        Some(V::Bool(match op {
            "=" => ord == Equal,
            "<>" => ord != Equal,
            "<" => ord == Less,
            "<=" => ord != Greater,
            ">" => ord == Greater,
            _ => ord != Less,
        }))
    }

    /// `sum (& sum)*`
    fn concat(&mut self) -> Option<V> {
        let mut v = self.sum()?;
        while self.eat('&') {
            let next = self.sum()?;
            v = V::Text(v.text() + &next.text());
        }
        Some(v)
    }

    /// `term (+|- term)*`
    fn sum(&mut self) -> Option<V> {
        let mut v = self.term()?;
        loop {
            if self.eat('+') {
                v = V::Num(v.num()? + self.term()?.num()?);
            } else if self.eat('-') {
                v = V::Num(v.num()? - self.term()?.num()?);
            } else {
                return Some(v);
            }
        }
    }

    /// `factor (*|/ factor)*`
    fn term(&mut self) -> Option<V> {
        let mut v = self.factor()?;
        loop {
            if self.eat('*') {
                v = V::Num(v.num()? * self.factor()?.num()?);
            } else if self.eat('/') {
                let d = self.factor()?.num()?;
                let n = v.num()?;
                v = V::Num((d != 0.0).then(|| n / d)?);
            } else {
                return Some(v);
            }
        }
    }

    /// A number, text, a cell, a function, `(…)`, or a signed factor.
    fn factor(&mut self) -> Option<V> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let v = self.factor_within();
        self.depth -= 1;
        v
    }

    fn factor_within(&mut self) -> Option<V> {
        if self.eat('-') {
            return Some(V::Num(-self.factor()?.num()?));
        }
        if self.eat('+') {
            return Some(V::Num(self.factor()?.num()?));
        }
        if self.eat('(') {
            let v = self.expr()?;
            return self.eat(')').then_some(v);
        }
        if self.eat('"') {
            let mut text = String::new();
            loop {
                match self.peek()? {
                    '"' if self.chars.get(self.at + 1) == Some(&'"') => {
                        text.push('"');
                        self.at += 2;
                    }
                    '"' => {
                        self.at += 1;
                        return Some(V::Text(text));
                    }
                    c => {
                        text.push(c);
                        self.at += 1;
                    }
                }
            }
        }
        let c = self.peek()?;
        if c.is_ascii_digit() || c == '.' {
            return self.number().map(V::Num);
        }
        let start = self.at;
        if let Some(from) = self.reference() {
            if self.peek() == Some(':') {
                return None; // a range outside a function
            }
            return self.lookup(from)?;
        }
        self.at = start;
        let name: String = std::iter::from_fn(|| {
            let c = self.peek().filter(char::is_ascii_alphabetic)?;
            self.at += 1;
            Some(c.to_ascii_uppercase())
        })
        .collect();
        match name.as_str() {
            "TRUE" if self.peek() != Some('(') => return Some(V::Bool(true)),
            "FALSE" if self.peek() != Some('(') => return Some(V::Bool(false)),
            _ => {}
        }
        if !self.eat('(') {
            return None;
        }
        self.function(&name)
    }

    /// A function's arguments up to its `)`, and its value.
    fn function(&mut self, name: &str) -> Option<V> {
        let args = self.arguments()?;
        let values = || {
            args.iter().flat_map(|a| match a {
                Arg::Range(cells) => cells.iter().collect::<Vec<_>>(),
                Arg::One(v) => vec![v],
            })
        };
        let one = |i: usize| match args.get(i) {
            Some(Arg::One(v)) => Some(v.clone()),
            _ => None,
        };
        match (name, args.len()) {
            // SUM adds the numbers of ranges (text and blanks skipped) and of single values.
            ("SUM", _) => {
                let mut total = 0.0;
                for a in &args {
                    match a {
                        Arg::Range(cells) => {
                            total += cells
                                .iter()
                                .filter_map(|v| match v {
                                    V::Num(n) => Some(*n),
                                    _ => None,
                                })
                                .sum::<f64>()
                        }
                        Arg::One(v) => total += v.num()?,
                    }
                }
                Some(V::Num(total))
            }
            ("COUNT", _) => Some(V::Num(values().filter(|v| matches!(v, V::Num(_))).count() as f64)),
            ("COUNTA", _) => Some(V::Num(values().filter(|v| !matches!(v, V::Empty)).count() as f64)),
            ("ABS", 1) => Some(V::Num(one(0)?.num()?.abs())),
            ("NOT", 1) => Some(V::Bool(!one(0)?.truth()?)),
            ("AND", n) if n > 0 => {
                let all: Option<Vec<bool>> = values().map(V::truth).collect();
                Some(V::Bool(all?.iter().all(|b| *b)))
            }
            ("OR", n) if n > 0 => {
                let all: Option<Vec<bool>> = values().map(V::truth).collect();
                Some(V::Bool(all?.iter().any(|b| *b)))
            }
            ("IF", 2 | 3) => {
                if one(0)?.truth()? {
                    one(1)
                } else {
                    one(2).or(Some(V::Bool(false)))
                }
            }
            _ => None,
        }
    }

    /// The arguments of a function after its `(` up to its `)`: ranges and expressions.
    fn arguments(&mut self) -> Option<Vec<Arg>> {
        let mut args = Vec::new();
        if self.eat(')') {
            return Some(args);
        }
        loop {
            let start = self.at;
            match self.range() {
                Some(cells) => args.push(Arg::Range(cells)),
                None => {
                    self.at = start;
                    args.push(Arg::One(self.expr()?));
                }
            }
            if self.eat(')') {
                return Some(args);
            }
            if !self.eat(',') {
                return None;
            }
        }
    }

    /// A cell's content, while the sheet's budget of lookups lasts; `None` when it is not known.
    fn lookup(&self, at: (u32, u32)) -> Option<Option<V>> {
        let left = self.budget.get().checked_sub(1)?;
        self.budget.set(left);
        Some((self.cell)(at))
    }

    /// `A1:B3` (followed by `,` or `)`): its cells.
    fn range(&mut self) -> Option<Vec<V>> {
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
        let mut cells = Vec::new();
        for r in r0..=r1 {
            for c in c0..=c1 {
                cells.push(self.lookup((r, c))??);
            }
        }
        Some(cells)
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

/// How two values compare as Excel orders them: numbers by value, text by text (case aside), an
/// empty cell as 0 or as `""`; a number and a text do not compare here.
fn compare(a: &V, b: &V) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (V::Text(x), V::Text(y)) => Some(x.to_lowercase().cmp(&y.to_lowercase())),
        (V::Text(x), V::Empty) => Some(x.as_str().cmp("")),
        (V::Empty, V::Text(y)) => Some("".cmp(y.as_str())),
        (V::Text(_), _) | (_, V::Text(_)) => None,
        _ => a.num()?.partial_cmp(&b.num()?),
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
        cells.insert((0, 2), Operand::Text("备注".into())); // C1
        let formulas = vec![
            ((1, 0), "SUM(A1:C1)+A3".to_string()), // A2: needs A3, worked out after it
            ((2, 0), "$A$1*(B1-1)".to_string()),   // A3
            ((3, 0), "Sheet2!A1".to_string()),     // A4: another sheet, unknown
        ];
        let results = evaluate_sheet(&cells, &formulas);
        assert_eq!(results.get(&(2, 0)), Some(&Evaluated::Number(4.0)));
        assert_eq!(results.get(&(1, 0)), Some(&Evaluated::Number(9.0)));
        assert_eq!(results.get(&(3, 0)), None);
    }

    use super::*;

    fn eval(formula: &str, cells: &[((u32, u32), Operand)]) -> Option<f64> {
        let cells: HashMap<(u32, u32), Operand> = cells.iter().cloned().collect();
        let formulas = vec![((100, 100), formula.to_string())];
        match evaluate_sheet(&cells, &formulas).get(&(100, 100)) {
            Some(Evaluated::Number(n)) => Some(*n),
            _ => None,
        }
    }

    #[test]
    fn what_report_totals_use() {
        let row = [
            ((4, 2), Operand::Number(3.0)),
            ((4, 3), Operand::Number(4.5)),
            ((4, 4), Operand::Text("备注".into())),
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
        let row = [((4, 2), Operand::Number(3.0)), ((4, 4), Operand::Text("备注".into()))];
        for formula in [
            "C5+E5", // text in arithmetic: #VALUE!
            "AVERAGE(C5:D5)",
            "Sheet2!C5",
            "'表三'!C5+1",
            "SUM(A:A)",
            "SUM(A1:Z1000)", // more cells than a report's total names
            "C5/0",
            "C5+",
            "IF(E5>1,1,0)", // text against a number
            "",
        ] {
            assert_eq!(eval(formula, &row), None, "{formula}");
        }
    }

    #[test]
    fn every_formula_our_template_writes() {
        let text = |formula: &str, cells: &[((u32, u32), Operand)]| {
            let cells: HashMap<(u32, u32), Operand> = cells.iter().cloned().collect();
            evaluate_sheet(&cells, &[((100, 100), formula.to_string())])
                .get(&(100, 100))
                .cloned()
        };
        let total = "IF(COUNT(C5:H5)=0,\"\",SUM(C5:H5))";
        assert_eq!(text(total, &[]), Some(Evaluated::Text(String::new())));
        assert_eq!(
            text(total, &[((4, 2), Operand::Number(3.0))]),
            Some(Evaluated::Number(3.0))
        );
        let check = "IF(COUNT(C5:D5)<2,\"未填完\",IF(ABS(SUM(C5)-SUM(D5))<0.00005,\"正确\",\"错误\"))";
        assert_eq!(
            text(check, &[((4, 2), Operand::Number(3.0))]),
            Some(Evaluated::Text("未填完".into()))
        );
        let both = |a: f64, b: f64| [((4, 2), Operand::Number(a)), ((4, 3), Operand::Number(b))];
        assert_eq!(text(check, &both(3.0, 3.0)), Some(Evaluated::Text("正确".into())));
        assert_eq!(text(check, &both(3.0, 4.0)), Some(Evaluated::Text("错误".into())));
        assert_eq!(
            text(
                "COUNTA(C5:E5)",
                &[((4, 2), Operand::Number(1.0)), ((4, 4), Operand::Text("x".into()))]
            ),
            Some(Evaluated::Number(2.0))
        );
        assert_eq!(
            text("IF(AND(1>0,NOT(2<1)),\"a\"&1,\"b\")", &[]),
            Some(Evaluated::Text("a1".into()))
        );
        assert_eq!(text("IF(OR(C5=\"\",C5<>0),1,2)", &[]), Some(Evaluated::Number(1.0)));
        assert_eq!(text("\"有 \"&2&\" 处\"", &[]), Some(Evaluated::Text("有 2 处".into())));
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
