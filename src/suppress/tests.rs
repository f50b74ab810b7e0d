use super::*;
use crate::dockerfile::stages::{self, StageOptions};
use crate::dockerfile::{self, Dockerfile};

/// Parses `text` and builds its stage model, as the engine does.
fn model(text: &str) -> (Dockerfile, StageModel) {
    let df = dockerfile::parse(text);
    let m = stages::analyze(&df, &StageOptions::default());
    (df, m)
}

fn collect(text: &str) -> (Suppressions, Dockerfile) {
    let (df, m) = model(text);
    (Suppressions::collect(&df, &m), df)
}

/// Span of the first occurrence of `needle`.
fn at(text: &str, needle: &str) -> Span {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in text"));
    Span::new(start, start + needle.len())
}

/// Span of the `n`-th (0-based) occurrence of `needle`.
fn nth(text: &str, needle: &str, n: usize) -> Span {
    let mut from = 0;
    let mut found = None;
    for _ in 0..=n {
        let i = text
            .get(from..)
            .and_then(|t| t.find(needle))
            .map(|i| i + from);
        let i = i.unwrap_or_else(|| panic!("`{needle}` #{n} not in text"));
        found = Some(i);
        from = i + needle.len();
    }
    let s = found.unwrap_or(0);
    Span::new(s, s + needle.len())
}

fn sup(
    s: &mut Suppressions,
    df: &Dockerfile,
    text: &str,
    rule: &str,
    span: Span,
) -> Option<String> {
    s.suppress(rule, span, &df.lines, text)
}

fn unused_ids(s: &Suppressions) -> Vec<String> {
    s.unused()
        .iter()
        .map(|u| format!("{}{}", u.kind, u.rule))
        .collect()
}

// ------------------------------------------------------------------ comment syntax

#[test]
fn parses_forms_and_reasons() {
    let d = parse_comment("portcullis ignore=DF501,df502 reason=\"checksummed by the vendor\"")
        .expect("directive")
        .expect("well-formed");
    assert_eq!(d.scope, Scope::Next);
    assert_eq!(d.ids, vec!["DF501", "DF502"]);
    assert_eq!(d.reason.as_deref(), Some("checksummed by the vendor"));

    let d = parse_comment("PORTCULLIS Ignore-Stage=DF203 reason='single quoted'")
        .expect("d")
        .expect("ok");
    assert_eq!(d.scope, Scope::Stage);
    assert_eq!(d.reason.as_deref(), Some("single quoted"));

    let d = parse_comment("portcullis   ignore-file=*  reason=bare")
        .expect("d")
        .expect("ok");
    assert_eq!(d.scope, Scope::File);
    assert_eq!(d.ids, vec!["*"]);
    assert_eq!(d.reason.as_deref(), Some("bare"));

    let d = parse_comment("portcullis reason=\"say \\\"hi\\\"\" ignore=DF1, DF2,DF3")
        .expect("d")
        .expect("ok");
    assert_eq!(d.ids, vec!["DF1", "DF2", "DF3"]);
    assert_eq!(d.reason.as_deref(), Some("say \"hi\""));

    let d = parse_comment("portcullis ignore=DF1,DF1")
        .expect("d")
        .expect("ok");
    assert_eq!(d.ids, vec!["DF1"]);
    assert_eq!(d.reason, None);
    let d = parse_comment("portcullis ignore=DF1 reason=\"  \"")
        .expect("d")
        .expect("ok");
    assert_eq!(d.reason, None);
}

#[test]
fn ordinary_comments_are_not_directives() {
    for t in [
        "",
        "install the runtime",
        "portcullis",
        "portcullis checks this file",
        "portcullisignore=DF1",
        "see portcullis ignore=DF1",
        "é",
        "portcullis\u{e9}",
    ] {
        assert_eq!(parse_comment(t), None, "{t:?}");
    }
}

#[test]
fn malformed_directives_say_why() {
    let cases: &[(&str, &str)] = &[
        (
            "portcullis ignor=DF1 reason=x",
            "unknown suppression keyword `ignor=`",
        ),
        (
            "portcullis ignore-files=DF1 reason=x",
            "did you mean ignore=",
        ),
        (
            "portcullis skip=DF1 reason=x",
            "unknown suppression keyword `skip=`; use ignore=, ignore-stage= or ignore-file=",
        ),
        ("portcullis ignore=DF 501 reason=x", "unexpected `501`"),
        (
            "portcullis ignore=DF-501 reason=x",
            "`DF-501` is not a rule id",
        ),
        ("portcullis ignore=501 reason=x", "`501` is not a rule id"),
        ("portcullis ignore= reason=x", "needs at least one rule id"),
        ("portcullis ignore=DF1,,DF2 reason=x", "empty rule id"),
        ("portcullis ignore=DF1, reason=x", "empty rule id"),
        ("portcullis ignore DF1", "needs a value"),
        ("portcullis ignore=DF1 reason=\"open", "unterminated quote"),
        (
            "portcullis ignore=DF1 reason=\"a\"b",
            "after the closing quote",
        ),
        (
            "portcullis ignore=DF1 reason=a reason=b",
            "reason= is given twice",
        ),
        (
            "portcullis ignore=DF1 ignore-file=DF2 reason=x",
            "more than one ignore keyword",
        ),
        ("portcullis reason=x", "has no ignore="),
        (
            "portcullis ignore=DF1 because it is fine",
            "unexpected `because`",
        ),
        (
            "portcullis ignore=DF1 why=\"x\"",
            "did you mean reason=\"...\"?",
        ),
    ];
    for (text, want) in cases {
        match parse_comment(text) {
            Some(Err(m)) => assert!(m.contains(want), "{text:?}: {m}"),
            other => panic!("{text:?}: expected malformed, got {other:?}"),
        }
    }
}

#[test]
fn rule_id_syntax() {
    for ok in ["DF1", "df501", "DL3008", "*", "ABCDEFGH123456"] {
        assert!(is_rule_id(ok), "{ok}");
    }
    for bad in [
        "",
        "DF",
        "501",
        "DF5a",
        "D F1",
        "DF1234567",
        "ABCDEFGHI1",
        "DF\u{e9}1",
        "**",
    ] {
        assert!(!is_rule_id(bad), "{bad}");
    }
}

// ------------------------------------------------------------------ coverage over a parsed file

#[test]
fn ignore_covers_next_instruction_only() {
    let text = "FROM alpine\n# portcullis ignore=DF501 reason=\"vendor checksum\"\n\n# another comment\nRUN curl -o x http://a\nRUN curl -o y http://b\n";
    let (mut s, df) = collect(text);
    assert!(s.malformed().is_empty(), "{:?}", s.malformed());
    let first = at(text, "curl -o x");
    let second = at(text, "curl -o y");
    assert_eq!(
        sup(&mut s, &df, text, "DF501", first).as_deref(),
        Some("vendor checksum")
    );
    assert_eq!(
        sup(&mut s, &df, text, "df501", first).as_deref(),
        Some("vendor checksum")
    );
    assert_eq!(sup(&mut s, &df, text, "DF501", second), None);
    assert_eq!(sup(&mut s, &df, text, "DF502", first), None);
    assert_eq!(sup(&mut s, &df, text, "DF501", at(text, "FROM")), None);
    assert!(s.unused().is_empty());
}

#[test]
fn ignore_covers_continuation_lines_and_heredoc_bodies() {
    let text = "FROM alpine\n# portcullis ignore=DF501 reason=r\nRUN apk add \\\n    curl && \\\n    curl http://x\nRUN <<EOF\necho one\nEOF\n";
    let (mut s, df) = collect(text);
    assert_eq!(
        sup(&mut s, &df, text, "DF501", at(text, "curl http")).as_deref(),
        Some("r")
    );
    assert_eq!(sup(&mut s, &df, text, "DF501", at(text, "echo one")), None);

    let text =
        "FROM alpine\n# portcullis ignore=DF501 reason=r\nRUN <<EOF\necho one\nEOF\nRUN echo two\n";
    let (mut s, df) = collect(text);
    assert_eq!(
        sup(&mut s, &df, text, "DF501", at(text, "echo one")).as_deref(),
        Some("r")
    );
    assert_eq!(sup(&mut s, &df, text, "DF501", at(text, "echo two")), None);
}

#[test]
fn ignore_inside_a_continuation_covers_that_instruction() {
    let text = "FROM alpine\nRUN apk add curl && \\\n# portcullis ignore=DF501 reason=r\n    curl http://x\nRUN curl http://y\n";
    let (mut s, df) = collect(text);
    assert_eq!(
        sup(&mut s, &df, text, "DF501", at(text, "curl http://x")).as_deref(),
        Some("r")
    );
    assert_eq!(
        sup(&mut s, &df, text, "DF501", at(text, "curl http://y")),
        None
    );
}

#[test]
fn ignore_stage_runs_to_end_of_stage() {
    let text = "FROM alpine AS build\nRUN a\n# portcullis ignore-stage=DF203 reason=\"build only\"\nRUN b\nRUN c\nFROM alpine\nRUN d\n";
    let (mut s, df) = collect(text);
    assert_eq!(
        sup(&mut s, &df, text, "DF203", at(text, "RUN a")),
        None,
        "before the comment"
    );
    assert_eq!(
        sup(&mut s, &df, text, "DF203", at(text, "RUN b")).as_deref(),
        Some("build only")
    );
    assert_eq!(
        sup(&mut s, &df, text, "DF203", at(text, "RUN c")).as_deref(),
        Some("build only")
    );
    assert_eq!(
        sup(&mut s, &df, text, "DF203", nth(text, "FROM alpine", 1)),
        None
    );
    assert_eq!(sup(&mut s, &df, text, "DF203", at(text, "RUN d")), None);
}

#[test]
fn ignore_stage_before_from_covers_that_whole_stage() {
    let text = "ARG BASE=alpine\nFROM ${BASE} AS one\nRUN a\n# portcullis ignore-stage=DF203 reason=r\nFROM alpine AS two\nRUN b\nFROM alpine AS three\nRUN c\n";
    let (mut s, df) = collect(text);
    assert_eq!(sup(&mut s, &df, text, "DF203", at(text, "RUN a")), None);
    assert_eq!(
        sup(&mut s, &df, text, "DF203", at(text, "FROM alpine AS two")).as_deref(),
        Some("r")
    );
    assert_eq!(
        sup(&mut s, &df, text, "DF203", at(text, "RUN b")).as_deref(),
        Some("r")
    );
    assert_eq!(sup(&mut s, &df, text, "DF203", at(text, "RUN c")), None);

    // Before global ARGs: the first stage.
    let text = "# portcullis ignore-stage=DF203 reason=r\nARG BASE=alpine\nFROM ${BASE}\nRUN a\nFROM alpine\nRUN b\n";
    let (mut s, df) = collect(text);
    assert_eq!(
        sup(&mut s, &df, text, "DF203", at(text, "RUN a")).as_deref(),
        Some("r")
    );
    assert_eq!(sup(&mut s, &df, text, "DF203", at(text, "RUN b")), None);
}

#[test]
fn ignore_file_covers_everything_from_anywhere() {
    let text = "FROM alpine\nRUN a\nFROM alpine\nRUN b\n# portcullis ignore-file=DF114,DF115 reason=generated\n";
    let (mut s, df) = collect(text);
    assert_eq!(
        sup(&mut s, &df, text, "DF114", at(text, "FROM")).as_deref(),
        Some("generated")
    );
    assert_eq!(
        sup(&mut s, &df, text, "DF114", at(text, "RUN b")).as_deref(),
        Some("generated")
    );
    assert_eq!(sup(&mut s, &df, text, "DF116", at(text, "RUN b")), None);
    assert_eq!(unused_ids(&s), vec!["ignore-file=DF115"]);
}

#[test]
fn star_matches_every_rule() {
    let text = "FROM alpine\n# portcullis ignore=* reason=legacy\nRUN a\n";
    let (mut s, df) = collect(text);
    assert_eq!(
        sup(&mut s, &df, text, "DF999", at(text, "RUN a")).as_deref(),
        Some("legacy")
    );
    assert!(s.unused().is_empty());
}

#[test]
fn unused_ids_are_reported_one_by_one() {
    let text = "FROM alpine\n# portcullis ignore=DF1,DF2 reason=r\nRUN a\n# portcullis ignore-stage=DF3 reason=r\nRUN b\n";
    let (mut s, df) = collect(text);
    assert!(sup(&mut s, &df, text, "DF1", at(text, "RUN a")).is_some());
    let unused = s.unused();
    assert_eq!(unused.len(), 2);
    assert_eq!(unused[0].rule, "DF2");
    assert_eq!(unused[0].kind, "ignore=");
    assert_eq!(
        unused[0].span,
        at(text, "# portcullis ignore=DF1,DF2 reason=r")
    );
    assert_eq!(
        unused[0].message(),
        "suppression of DF2 (ignore=) matched no finding; remove it"
    );
    assert_eq!(unused[1].rule, "DF3");
    assert_eq!(unused[1].kind, "ignore-stage=");
}

#[test]
fn ignore_after_last_instruction_is_unused() {
    let text = "FROM alpine\nRUN a\n# portcullis ignore=DF1 reason=r\n";
    let (mut s, df) = collect(text);
    assert_eq!(sup(&mut s, &df, text, "DF1", at(text, "RUN a")), None);
    assert_eq!(unused_ids(&s), vec!["ignore=DF1"]);
}

#[test]
fn narrowest_scope_is_used_first() {
    let text = "# portcullis ignore-file=DF1 reason=file\nFROM alpine\n# portcullis ignore=DF1 reason=next\nRUN a\nRUN b\n";
    let (mut s, df) = collect(text);
    assert_eq!(
        sup(&mut s, &df, text, "DF1", at(text, "RUN a")).as_deref(),
        Some("next")
    );
    // Only the ignore= was needed so far: the file-wide one is unused.
    assert_eq!(unused_ids(&s), vec!["ignore-file=DF1"]);
    assert_eq!(
        sup(&mut s, &df, text, "DF1", at(text, "RUN b")).as_deref(),
        Some("file")
    );
    assert!(s.unused().is_empty());
}

#[test]
fn missing_reason_applies_but_is_reported() {
    let text = "FROM alpine\n# portcullis ignore=DF501,DF502\nRUN a\n";
    let (mut s, df) = collect(text);
    assert_eq!(s.malformed().len(), 1);
    assert_eq!(
        s.malformed()[0].span,
        at(text, "# portcullis ignore=DF501,DF502")
    );
    assert!(
        s.malformed()[0]
            .message
            .starts_with("suppression of DF501, DF502 has no reason=\"...\""),
        "{}",
        s.malformed()[0].message
    );
    assert_eq!(
        sup(&mut s, &df, text, "DF501", at(text, "RUN a")).as_deref(),
        Some("")
    );
}

#[test]
fn malformed_suppressions_are_not_applied() {
    let text = "FROM alpine\n# portcullis ignor=DF501 reason=r\nRUN a\n# Portcullis ignore=DF 1 reason=r\nRUN b\n";
    let (mut s, df) = collect(text);
    assert_eq!(s.malformed().len(), 2);
    assert_eq!(
        s.malformed()[0].span,
        at(text, "# portcullis ignor=DF501 reason=r")
    );
    assert_eq!(sup(&mut s, &df, text, "DF501", at(text, "RUN a")), None);
    assert_eq!(sup(&mut s, &df, text, "DF1", at(text, "RUN b")), None);
    assert!(
        s.unused().is_empty(),
        "malformed ones are not also reported as unused"
    );
}

#[test]
fn df128_suppression_silences_unused_reports() {
    let text = "# portcullis ignore-file=DF128 reason=\"kept for the next base image bump\"\nFROM alpine\n# portcullis ignore=DF1 reason=r\nRUN a\n";
    let (s, _) = collect(text);
    assert!(s.unused().is_empty(), "{:?}", s.unused());

    // With nothing to silence, the DF128 suppression is itself unused.
    let text = "# portcullis ignore-file=DF128 reason=r\nFROM alpine\nRUN a\n";
    let (s, _) = collect(text);
    assert_eq!(unused_ids(&s), vec!["ignore-file=DF128"]);
}

#[test]
fn crlf_and_windows_escape_files() {
    let text = "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\n# portcullis ignore=DF402 reason=\"installer is signed\"\r\nRUN powershell -Command `\r\n    Invoke-WebRequest https://x -OutFile y\r\nRUN echo done\r\n";
    let (mut s, df) = collect(text);
    assert!(s.malformed().is_empty(), "{:?}", s.malformed());
    assert_eq!(
        sup(&mut s, &df, text, "DF402", at(text, "Invoke-WebRequest")).as_deref(),
        Some("installer is signed")
    );
    assert_eq!(sup(&mut s, &df, text, "DF402", at(text, "echo done")), None);
}

#[test]
fn no_panics_on_odd_input() {
    for text in [
        "",
        "#",
        "# portcullis",
        "# portcullis ignore=",
        "# portcullis ignore=*",
        "# portcullis ignore-stage=DF1 reason=r\n",
        "# portcullis ignore-stage=DF1 reason=r\nARG A\n",
        "FROM a\n# portcullis ignore='\n",
        "FROM a\n# portcullis ignore=\u{e9}\u{e9} reason=\"\u{1F600}\n",
        "FROM a\n#portcullis ignore=DF1 reason=x\n\u{feff}",
    ] {
        let (mut s, df) = collect(text);
        let _ = s.suppress("DF1", Span::new(0, text.len()), &df.lines, text);
        let _ = s.suppress("DF1", Span::new(usize::MAX, usize::MAX), &df.lines, text);
        let _ = s.unused();
        let _ = s.malformed();
    }
}

#[test]
fn comments_in_heredoc_bodies_are_not_suppressions() {
    let text =
        "FROM alpine\nRUN <<EOF\n# portcullis ignore=DF1 reason=r\necho a\nEOF\nRUN echo b\n";
    let (mut s, df) = collect(text);
    assert!(s.entries().is_empty(), "{:?}", s.entries());
    assert_eq!(sup(&mut s, &df, text, "DF1", at(text, "echo b")), None);
}

#[test]
fn entries_expose_scope_ids_and_regions() {
    let text = "FROM alpine\n# portcullis ignore=df1,DF2 reason=\"why\"\nRUN a\n";
    let (s, _) = collect(text);
    let e = s.entries();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].scope, Scope::Next);
    assert_eq!(e[0].ids, vec!["DF1", "DF2"]);
    assert_eq!(e[0].reason.as_deref(), Some("why"));
    assert_eq!(
        e[0].comment,
        at(text, "# portcullis ignore=df1,DF2 reason=\"why\"")
    );
    assert_eq!(e[0].region, Some(at(text, "RUN a")));
}

#[test]
fn stage_extent_comes_from_the_stage_model() {
    use crate::dockerfile::stages::{Os, OsEvidence, Stage};
    let text = "FROM alpine AS a\n# portcullis ignore-stage=DF1 reason=r\nRUN one\nRUN two\nFROM alpine AS b\nRUN three\n";
    let (df, mut m) = model(text);
    let stage = |index: usize, from: usize, end: usize| Stage {
        index,
        name: None,
        name_span: None,
        from,
        end,
        base_raw: "alpine".into(),
        base_span: Span::default(),
        base: Some("alpine".into()),
        parent_stage: None,
        platform: None,
        os: Os::Linux,
        os_evidence: OsEvidence::Default,
    };
    // A model that (unlike FROM counting) ends the first stage after `RUN one`.
    m.stages = vec![stage(0, 0, 2), stage(1, 2, 5)];
    m.stage_of = vec![Some(0), Some(0), Some(1), Some(1), Some(1)];
    let mut s = Suppressions::collect(&df, &m);
    assert_eq!(
        sup(&mut s, &df, text, "DF1", at(text, "RUN one")).as_deref(),
        Some("r")
    );
    assert_eq!(sup(&mut s, &df, text, "DF1", at(text, "RUN two")), None);
}
