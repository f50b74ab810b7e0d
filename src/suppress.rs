//! Inline suppressions written as Dockerfile comments:
//!
//! ```text
//! # portcullis ignore=DF501,DF502 reason="checksummed by the vendor's MSI signature"
//! # portcullis ignore-stage=DF203 reason="build stage only"
//! # portcullis ignore-file=DF114 reason="generated file"
//! ```
//!
//! - `ignore=` covers the next instruction (comment and blank lines may come between; heredoc
//!   bodies are included). Written inside a continued instruction, it covers that instruction.
//! - `ignore-stage=` covers from the comment to the end of the stage it is in; placed before a
//!   `FROM`, the whole stage that `FROM` starts.
//! - `ignore-file=` covers the whole file, wherever it is written.
//!
//! A finding is covered when its span starts inside the covered region. The keyword and ids are
//! case-insensitive; `*` means every rule. `reason` is double- or single-quoted or a bare word.
//! A suppression without a reason still applies but is reported as malformed; one with an
//! unknown keyword or a bad id is reported and not applied. Ids that suppressed nothing are
//! reported by [`Suppressions::unused`] (rule [`UNUSED_SUPPRESSION_RULE`]), each id on its own.

use crate::dockerfile::stages::StageModel;
use crate::dockerfile::{Comment, Dockerfile, InstructionKind};
use crate::source::{LineIndex, Span};

/// Rule id of "suppression matched no finding".
pub const UNUSED_SUPPRESSION_RULE: &str = "DF128";

/// What a suppression covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// `ignore=`: the next instruction.
    Next,
    /// `ignore-stage=`: to the end of the stage.
    Stage,
    /// `ignore-file=`: the whole file.
    File,
}

impl Scope {
    /// The keyword as written in a comment, with its `=`.
    pub fn keyword(self) -> &'static str {
        match self {
            Scope::Next => "ignore=",
            Scope::Stage => "ignore-stage=",
            Scope::File => "ignore-file=",
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        match key.to_ascii_lowercase().as_str() {
            "ignore" => Some(Scope::Next),
            "ignore-stage" => Some(Scope::Stage),
            "ignore-file" => Some(Scope::File),
            _ => None,
        }
    }
}

/// One well-formed suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineSuppression {
    pub scope: Scope,
    /// Upper-cased rule ids, or `*`, in the order written (no duplicates).
    pub ids: Vec<String>,
    /// `None` when the comment has no (or an empty) `reason=`.
    pub reason: Option<String>,
    /// The comment line.
    pub comment: Span,
    /// Byte range covered (inclusive of its end offset); `None` when there is nothing to cover
    /// (an `ignore=` after the last instruction).
    pub region: Option<Span>,
    /// Per id: whether it suppressed a finding.
    used: Vec<bool>,
}

impl InlineSuppression {
    fn covers_span(&self, span: Span) -> bool {
        self.region
            .is_some_and(|r| r.start <= span.start && span.start <= r.end)
    }

    /// Index of the id matching `rule` (an exact id before `*`).
    fn id_index(&self, rule: &str) -> Option<usize> {
        self.ids
            .iter()
            .position(|id| id.eq_ignore_ascii_case(rule))
            .or_else(|| self.ids.iter().position(|id| id == "*"))
    }
}

/// All inline suppressions of one Dockerfile, with their use tracked while findings are
/// filtered.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    entries: Vec<InlineSuppression>,
    malformed: Vec<Malformed>,
}

impl Suppressions {
    /// Reads every `# portcullis …` comment of `df`.
    pub fn collect(df: &Dockerfile, model: &StageModel) -> Self {
        let mut out = Self::default();
        let mut comments: Vec<&Comment> = df.comments.iter().collect();
        comments.sort_by_key(|c| c.span.start);
        for c in comments {
            let Some(parsed) = parse_comment(&c.text) else {
                continue;
            };
            let directive = match parsed {
                Ok(d) => d,
                Err(message) => {
                    out.malformed.push(Malformed {
                        span: c.span,
                        message,
                    });
                    continue;
                }
            };
            if directive.reason.is_none() {
                out.malformed.push(Malformed {
                    span: c.span,
                    message: format!(
                        "suppression of {} has no reason=\"...\"; add one so reviewers know why it is acceptable",
                        directive.ids.join(", ")
                    ),
                });
            }
            let region = region_for(df, model, directive.scope, c.span);
            out.entries.push(InlineSuppression {
                scope: directive.scope,
                used: vec![false; directive.ids.len()],
                ids: directive.ids,
                reason: directive.reason,
                comment: c.span,
                region,
            });
        }
        out
    }

    /// If a suppression covers (rule, span), marks it used and returns its reason ("" if
    /// none). The narrowest scope wins (`ignore=` before `ignore-stage=` before
    /// `ignore-file=`), then the first written.
    pub fn suppress(
        &mut self,
        rule: &str,
        span: Span,
        _lines: &LineIndex,
        _text: &str,
    ) -> Option<String> {
        let (e, id) = self.find(rule, span)?;
        let entry = self.entries.get_mut(e)?;
        if let Some(u) = entry.used.get_mut(id) {
            *u = true;
        }
        Some(entry.reason.clone().unwrap_or_default())
    }

    /// (entry, id) of the suppression that would cover (rule, span).
    fn find(&self, rule: &str, span: Span) -> Option<(usize, usize)> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.covers_span(span))
            .filter_map(|(i, e)| e.id_index(rule).map(|id| (e.scope, i, id)))
            .min()
            .map(|(_, i, id)| (i, id))
    }

    /// Suppression ids that suppressed nothing, one per id, in file order. Unused-suppression
    /// reports can themselves be suppressed by an explicit `DF128` suppression covering the
    /// comment (which then counts as used).
    pub fn unused(&self) -> Vec<Unused> {
        let mut raw: Vec<(usize, usize)> = Vec::new();
        for (e, entry) in self.entries.iter().enumerate() {
            for (id, name) in entry.ids.iter().enumerate() {
                if name != UNUSED_SUPPRESSION_RULE && !entry.used.get(id).copied().unwrap_or(true) {
                    raw.push((e, id));
                }
            }
        }
        // Explicit DF128 suppressions silence unused reports on the comments they cover.
        let mut df128_used: Vec<(usize, usize)> = Vec::new();
        let mut out = Vec::new();
        for (e, id) in raw {
            let Some(entry) = self.entries.get(e) else {
                continue;
            };
            let silencer = self
                .entries
                .iter()
                .enumerate()
                .filter(|(i, s)| *i != e && s.covers_span(entry.comment))
                .filter_map(|(i, s)| {
                    let k = s.ids.iter().position(|x| x == UNUSED_SUPPRESSION_RULE)?;
                    Some((s.scope, i, k))
                })
                .min();
            match silencer {
                Some((_, i, k)) => df128_used.push((i, k)),
                None => out.push(Unused {
                    span: entry.comment,
                    rule: entry.ids.get(id).cloned().unwrap_or_default(),
                    kind: entry.scope.keyword(),
                }),
            }
        }
        for (e, entry) in self.entries.iter().enumerate() {
            for (id, name) in entry.ids.iter().enumerate() {
                if name == UNUSED_SUPPRESSION_RULE
                    && !entry.used.get(id).copied().unwrap_or(true)
                    && !df128_used.contains(&(e, id))
                {
                    out.push(Unused {
                        span: entry.comment,
                        rule: name.clone(),
                        kind: entry.scope.keyword(),
                    });
                }
            }
        }
        out.sort_by_key(|u| u.span.start);
        out
    }

    /// Suppression comments that could not be read (or lack a reason).
    pub fn malformed(&self) -> &[Malformed] {
        &self.malformed
    }

    /// The well-formed suppressions, in file order.
    pub fn entries(&self) -> &[InlineSuppression] {
        &self.entries
    }
}

/// An id of a suppression that matched no finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unused {
    /// The suppression comment.
    pub span: Span,
    pub rule: String,
    /// `ignore=`, `ignore-stage=` or `ignore-file=`.
    pub kind: &'static str,
}

impl Unused {
    pub fn message(&self) -> String {
        format!(
            "suppression of {} ({}) matched no finding; remove it",
            self.rule, self.kind
        )
    }
}

/// A suppression comment that could not be read, or has no reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub span: Span,
    pub message: String,
}

/// A parsed `portcullis` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Directive {
    scope: Scope,
    ids: Vec<String>,
    reason: Option<String>,
}

/// `None`: not a suppression comment. `Some(Err)`: meant as one but malformed.
fn parse_comment(text: &str) -> Option<Result<Directive, String>> {
    let t = text.trim_start_matches('#').trim();
    let head = t.get(..10)?;
    if !head.eq_ignore_ascii_case("portcullis") {
        return None;
    }
    let rest = t.get(10..)?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    // Prose that mentions the tool ("# portcullis checks this file") is not a directive.
    let first = rest.split_whitespace().next()?;
    if !first.contains('=') && !first.to_ascii_lowercase().starts_with("ignore") {
        return None;
    }
    Some(parse_directive(rest))
}

fn parse_directive(text: &str) -> Result<Directive, String> {
    let pairs = tokenize(text)?;
    let mut scope: Option<(Scope, String)> = None;
    let mut reason: Option<String> = None;
    let mut saw_reason = false;
    for (key, value) in pairs {
        let lower = key.to_ascii_lowercase();
        if let Some(s) = Scope::from_key(&key) {
            if scope.is_some() {
                return Err(format!(
                    "more than one ignore keyword in one comment (`{key}=`); write one suppression per comment"
                ));
            }
            scope = Some((s, value));
        } else if lower == "reason" {
            if saw_reason {
                return Err("reason= is given twice; keep one".to_string());
            }
            saw_reason = true;
            let r = value.trim();
            reason = (!r.is_empty()).then(|| r.to_string());
        } else {
            let advice = if lower.starts_with("ign") {
                "did you mean ignore=, ignore-stage= or ignore-file=?"
            } else if lower.starts_with("reas") || lower == "because" || lower == "why" {
                "did you mean reason=\"...\"?"
            } else {
                "use ignore=, ignore-stage= or ignore-file= with reason=\"...\""
            };
            return Err(format!("unknown suppression keyword `{key}=`; {advice}"));
        }
    }
    let Some((scope, list)) = scope else {
        return Err(
            "suppression comment has no ignore=, ignore-stage= or ignore-file=; write e.g. `# portcullis ignore=DF501 reason=\"...\"`"
                .to_string(),
        );
    };
    let mut ids: Vec<String> = Vec::new();
    for raw in list.split(',') {
        let id = raw.trim();
        if id.is_empty() {
            if list.trim().is_empty() {
                return Err(format!(
                    "{} needs at least one rule id, e.g. {}DF501",
                    scope.keyword(),
                    scope.keyword()
                ));
            }
            return Err(format!(
                "empty rule id in `{}{list}`; separate ids with single commas",
                scope.keyword()
            ));
        }
        if !is_rule_id(id) {
            return Err(format!(
                "`{id}` is not a rule id; write ids like DF501 separated by commas, or * for all rules"
            ));
        }
        let id = id.to_ascii_uppercase();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(Directive { scope, ids, reason })
}

/// `*`, or letters followed by digits (`DF501`).
fn is_rule_id(id: &str) -> bool {
    if id == "*" {
        return true;
    }
    let letters = id.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = id.len() - letters;
    (1..=8).contains(&letters)
        && (1..=6).contains(&digits)
        && id.bytes().skip(letters).all(|b| b.is_ascii_digit())
}

/// Splits `key=value key="quoted value" key='v'` into pairs. A value ending in `,` continues
/// with the next word (`ignore=DF1, DF2`).
fn tokenize(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    loop {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = chars.peek() else {
            break;
        };
        let mut key_end = text.len();
        let mut has_eq = false;
        while let Some(&(i, c)) = chars.peek() {
            if c == '=' {
                key_end = i;
                has_eq = true;
                chars.next();
                break;
            }
            if c.is_whitespace() {
                key_end = i;
                break;
            }
            chars.next();
        }
        let key = text.get(start..key_end).unwrap_or("").to_string();
        if !has_eq {
            let lower = key.to_ascii_lowercase();
            return Err(if Scope::from_key(&lower).is_some() || lower == "reason" {
                format!("`{key}` needs a value: write `{lower}=...`")
            } else {
                format!(
                    "unexpected `{key}` in suppression comment; quote the reason (reason=\"...\") and write ids without spaces"
                )
            });
        }
        if key.is_empty() {
            return Err("`=` without a keyword in suppression comment".to_string());
        }
        let mut value = String::new();
        match chars.peek().map(|&(_, c)| c) {
            Some(q @ ('"' | '\'')) => {
                chars.next();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    if c == q {
                        closed = true;
                        break;
                    }
                    if c == '\\' && q == '"' {
                        match chars.next() {
                            Some((_, n)) => value.push(n),
                            None => break,
                        }
                        continue;
                    }
                    value.push(c);
                }
                if !closed {
                    return Err(format!("unterminated quote in `{key}=`; close it with {q}"));
                }
                if chars.peek().is_some_and(|&(_, c)| !c.is_whitespace()) {
                    return Err(format!(
                        "text right after the closing quote of `{key}=`; add a space"
                    ));
                }
            }
            _ => loop {
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
                if !value.ends_with(',') {
                    break;
                }
                // `ignore=DF1, DF2`: the list goes on after the space.
                while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
                let next_is_key = {
                    let rest: String = chars
                        .clone()
                        .map(|(_, c)| c)
                        .take_while(|c| !c.is_whitespace())
                        .collect();
                    rest.contains('=') || rest.is_empty()
                };
                if next_is_key {
                    break;
                }
            },
        }
        out.push((key, value));
    }
    Ok(out)
}

/// The byte region a suppression written in `comment` covers.
fn region_for(df: &Dockerfile, model: &StageModel, scope: Scope, comment: Span) -> Option<Span> {
    match scope {
        Scope::File => Some(Span::new(0, usize::MAX)),
        Scope::Next => {
            let i = target_instruction(df, comment)?;
            df.instructions.get(i).map(|inst| inst.full_span)
        }
        Scope::Stage => {
            let first = target_instruction(df, comment)?;
            // Skip global ARGs before the first FROM: the suppression is for the stage after them.
            let k =
                (first..df.instructions.len()).find(|&k| stage_index(df, model, k).is_some())?;
            let last = stage_last_instruction(df, model, k)?;
            let end = df.instructions.get(last)?.full_span.end;
            Some(Span::new(comment.start, end.max(comment.end)))
        }
    }
}

/// The instruction an `ignore=` comment refers to: the one it is written inside (a comment
/// within a continued instruction), else the first one after it.
fn target_instruction(df: &Dockerfile, comment: Span) -> Option<usize> {
    df.instructions
        .iter()
        .position(|i| i.full_span.start <= comment.start && comment.start < i.full_span.end)
        .or_else(|| {
            df.instructions
                .iter()
                .position(|i| i.span.start >= comment.end)
        })
}

/// Stage of instruction `k`: from the stage model, or by counting FROMs when the model has no
/// entry for it.
fn stage_index(df: &Dockerfile, model: &StageModel, k: usize) -> Option<usize> {
    if let Some(entry) = model.stage_of.get(k)
        && (entry.is_some() || !model.stages.is_empty())
    {
        return *entry;
    }
    let froms = df
        .instructions
        .iter()
        .take(k + 1)
        .filter(|i| i.kind == InstructionKind::From)
        .count();
    froms.checked_sub(1)
}

/// Index of the last instruction of the stage that instruction `k` belongs to.
fn stage_last_instruction(df: &Dockerfile, model: &StageModel, k: usize) -> Option<usize> {
    let s = stage_index(df, model, k)?;
    if let Some(stage) = model.stages.get(s)
        && stage.end > 0
        && stage.end <= df.instructions.len()
        && stage.from <= k
        && k < stage.end
    {
        return Some(stage.end - 1);
    }
    // Fallback: up to the instruction before the next FROM.
    let next_from = df
        .instructions
        .iter()
        .enumerate()
        .skip(k + 1)
        .find(|(_, i)| i.kind == InstructionKind::From)
        .map(|(j, _)| j);
    Some(
        next_from.map_or(df.instructions.len().saturating_sub(1), |j| {
            j.saturating_sub(1)
        }),
    )
}

#[cfg(test)]
mod tests;
