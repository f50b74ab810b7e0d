//! Fixture Dockerfiles under `tests/fixtures/dockerfile/parse/<case>/Dockerfile`, each parsed
//! and dumped into a readable snapshot (`tests/snapshots/parser_fixtures__<case>.snap`).
//! Every fixture is also checked for the structural invariants (segment maps, spans on char
//! boundaries and inside the text).

use std::fmt::Write as _;
use std::path::Path;

use portcullis::dockerfile::{self, Dockerfile, Form, Instruction, Logical};
use portcullis::source::Span;

fn show(s: &str) -> String {
    const MAX: usize = 160;
    if s.len() <= MAX {
        return format!("{s:?}");
    }
    let mut cut = 60;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{:?}…({} bytes)", &s[..cut], s.len())
}

struct Dumper<'a> {
    df: &'a Dockerfile,
    text: &'a str,
    out: String,
}

impl Dumper<'_> {
    fn pos(&self, span: Span) -> String {
        let r = self.df.lines.region(self.text, span);
        format!(
            "{}:{}-{}:{}",
            r.start.line, r.start.column, r.end.line, r.end.column
        )
    }

    fn line(&mut self, indent: usize, s: &str) {
        let _ = writeln!(self.out, "{}{}", "  ".repeat(indent), s);
    }

    fn logical(&self, l: &Logical) -> String {
        show(&l.text)
    }

    fn instruction(&mut self, ind: usize, inst: &Instruction) {
        let head = format!(
            "{} {:?} @{} kw@{}{}",
            inst.kind.as_str(),
            inst.keyword,
            self.pos(inst.span),
            self.pos(inst.keyword_span),
            if inst.full_span != inst.span {
                format!(" full@{}", self.pos(inst.full_span))
            } else {
                String::new()
            }
        );
        self.line(ind, &head);
        let ind = ind + 1;
        for c in &inst.leading_comments {
            let s = format!("leading comment {:?} @{}", c.text, self.pos(c.span));
            self.line(ind, &s);
        }
        for f in &inst.flags {
            let mut s = format!(
                "flag --{} @{} name@{}",
                f.name,
                self.pos(f.span),
                self.pos(f.name_span)
            );
            if let (Some(v), Some(vs)) = (&f.value, f.value_span) {
                let _ = write!(s, " value {} @{}", show(v), self.pos(vs));
            }
            self.line(ind, &s);
        }
        if !inst.args.text.is_empty() {
            let s = format!("args {}", self.logical(&inst.args));
            self.line(ind, &s);
        }
        for w in &inst.words {
            let s = format!("word {} @{}", show(&w.text), self.pos(w.span));
            self.line(ind, &s);
        }
        for p in &inst.pairs {
            let mut s = format!("pair {} @{}", show(&p.key), self.pos(p.key_span));
            match (&p.value, p.value_span) {
                (Some(v), Some(vs)) => {
                    let _ = write!(s, " = {} @{}", show(v), self.pos(vs));
                }
                _ => s.push_str(" (no value)"),
            }
            if p.legacy {
                s.push_str(" legacy");
            }
            self.line(ind, &s);
        }
        match &inst.form {
            Form::None => {}
            Form::Shell(l) => {
                let s = format!("shell {}", self.logical(l));
                self.line(ind, &s);
            }
            Form::Exec(words) => {
                self.line(ind, "exec");
                for w in words {
                    let s = format!("  {} @{}", show(&w.text), self.pos(w.span));
                    self.line(ind, &s);
                }
            }
        }
        if let Some(fb) = &inst.json_fallback {
            let s = format!("json fallback @{}: {}", self.pos(fb.span), fb.reason);
            self.line(ind, &s);
        }
        for h in &inst.heredocs {
            let s = format!(
                "heredoc {:?} fd={} chomp={} expand={} marker@{} body@{} end@{}",
                h.name,
                h.fd.map_or("-".to_string(), |f| f.to_string()),
                h.chomp,
                h.expand,
                self.pos(h.marker_span),
                self.pos(h.body_span),
                self.pos(h.end_span)
            );
            self.line(ind, &s);
            for l in h.body.lines() {
                let s = format!("| {}", show(l));
                self.line(ind + 1, &s);
            }
        }
        for e in &inst.empty_continuation_lines {
            let s = format!("empty continuation line @{}", self.pos(*e));
            self.line(ind, &s);
        }
        if let Some(sub) = &inst.onbuild {
            self.line(ind, "trigger:");
            self.instruction(ind + 1, sub);
        }
    }

    fn dump(mut self) -> String {
        let df = self.df;
        let head = format!("bom={} escape={:?}", df.bom, df.escape);
        self.line(0, &head);
        for d in &df.directives {
            let s = format!(
                "directive {}={:?} @{} value@{}",
                d.name,
                d.value,
                self.pos(d.span),
                self.pos(d.value_span)
            );
            self.line(0, &s);
        }
        for c in &df.comments {
            let s = format!("comment {} @{}", show(&c.text), self.pos(c.span));
            self.line(0, &s);
        }
        for inst in &df.instructions {
            self.instruction(0, inst);
        }
        for d in &df.diagnostics {
            let s = format!("{} @{} {}", d.rule.id(), self.pos(d.span), d.message);
            self.line(0, &s);
        }
        self.out
    }
}

fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: {span:?} outside text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: {span:?} not on char boundaries"
    );
}

fn check_logical(text: &str, l: &Logical, what: &str) {
    for (i, b) in l.text.bytes().enumerate() {
        let f = l.to_file(i);
        assert_eq!(
            text.as_bytes().get(f),
            Some(&b),
            "{what}: logical byte {i} maps to {f}"
        );
    }
}

fn check_instruction(text: &str, inst: &Instruction) {
    for (s, w) in [
        (inst.span, "span"),
        (inst.full_span, "full_span"),
        (inst.keyword_span, "keyword"),
    ] {
        check_span(text, s, w);
    }
    assert!(inst.full_span.start <= inst.span.start && inst.span.end <= inst.full_span.end);
    check_logical(text, &inst.args, "args");
    for f in &inst.flags {
        check_span(text, f.span, "flag");
        check_span(text, f.name_span, "flag name");
        if let Some(v) = f.value_span {
            check_span(text, v, "flag value");
        }
    }
    for w in &inst.words {
        check_span(text, w.span, "word");
    }
    for p in &inst.pairs {
        check_span(text, p.span, "pair");
        check_span(text, p.key_span, "key");
        if let Some(v) = p.value_span {
            check_span(text, v, "value");
        }
    }
    match &inst.form {
        Form::Shell(l) => check_logical(text, l, "shell"),
        Form::Exec(ws) => ws
            .iter()
            .for_each(|w| check_span(text, w.span, "exec word")),
        Form::None => {}
    }
    for h in &inst.heredocs {
        check_span(text, h.marker_span, "marker");
        check_span(text, h.body_span, "body");
        check_span(text, h.end_span, "end");
        check_logical(text, &h.body_logical, "heredoc body");
        assert_eq!(h.body, h.body_logical.text);
    }
    if let Some(sub) = &inst.onbuild {
        check_instruction(text, sub);
    }
}

fn check_invariants(text: &str, df: &Dockerfile) {
    for inst in &df.instructions {
        check_instruction(text, inst);
    }
    for c in &df.comments {
        check_span(text, c.span, "comment");
    }
    for d in &df.directives {
        check_span(text, d.span, "directive");
        check_span(text, d.value_span, "directive value");
        assert_eq!(d.value_span.slice(text), d.value);
    }
    for d in &df.diagnostics {
        check_span(text, d.span, "diagnostic");
    }
}

#[test]
#[allow(clippy::disallowed_methods)] // tests read their fixtures from disk
fn parse_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dockerfile/parse");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("fixture directory")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("Dockerfile").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 40,
        "expected at least 40 fixtures, found {}",
        cases.len()
    );
    for case in cases {
        let bytes = std::fs::read(root.join(&case).join("Dockerfile")).expect("read fixture");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let df = dockerfile::parse(&text);
        check_invariants(&text, &df);
        let dump = Dumper {
            df: &df,
            text: &text,
            out: String::new(),
        }
        .dump();
        insta::assert_snapshot!(case.as_str(), dump);
    }
}
