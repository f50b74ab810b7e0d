//! Snapshot tests of every report format on small hand-built reports, plus properties that
//! hold for every format (determinism, colour only on request, suppression handling).

mod report_fixture;

use portcullis::finding::FailOn;
use portcullis::report::{SarifOptions, TextOptions, azure, compact, github, json, sarif, text};
use report_fixture::{empty, sample};

fn sarif_opts() -> SarifOptions {
    SarifOptions {
        automation_id: Some("portcullis/dockerfiles/".into()),
        tool_version: "0.1.0",
    }
}

#[test]
fn text_sample() {
    insta::assert_snapshot!(
        "text_sample",
        text::render(&sample(), &TextOptions { color: false })
    );
}

#[test]
fn text_empty() {
    insta::assert_snapshot!(
        "text_empty",
        text::render(&empty(), &TextOptions { color: false })
    );
}

#[test]
fn json_sample() {
    insta::assert_snapshot!("json_sample", json::render(&sample()));
}

#[test]
fn json_empty() {
    insta::assert_snapshot!("json_empty", json::render(&empty()));
}

#[test]
fn sarif_sample() {
    insta::assert_snapshot!("sarif_sample", sarif::render(&sample(), &sarif_opts()));
}

#[test]
fn sarif_empty() {
    let opts = SarifOptions {
        automation_id: None,
        tool_version: "0.1.0",
    };
    insta::assert_snapshot!("sarif_empty", sarif::render(&empty(), &opts));
}

#[test]
fn compact_sample() {
    insta::assert_snapshot!("compact_sample", compact::render(&sample()));
}

#[test]
fn compact_empty() {
    insta::assert_snapshot!("compact_empty", compact::render(&empty()));
}

#[test]
fn github_sample() {
    insta::assert_snapshot!("github_sample", github::render(&sample()));
}

#[test]
fn azure_sample() {
    insta::assert_snapshot!("azure_sample", azure::render(&sample()));
}

#[test]
fn azure_notes_become_warnings_when_they_fail_the_run() {
    let mut r = sample();
    let before = azure::render(&r);
    // The only unsuppressed note in the sample is DF122, which is suppressed; add one.
    let mut note = r.findings[0].clone();
    note.rule = "DF122".into();
    note.severity = portcullis::Severity::Note;
    note.fix = None;
    note.message = "a note".into();
    r.findings.push(note);
    assert_eq!(
        azure::render(&r),
        before,
        "a note that does not fail the run is not an issue"
    );
    r.fail_on = FailOn::Note;
    let after = azure::render(&r);
    assert!(after.contains("##vso[task.logissue type=warning;sourcepath=svc/Dockerfile;linenumber=2;columnnumber=9;code=DF122;]a note\n"), "{after}");
}

#[test]
fn colour_only_on_request_and_otherwise_identical() {
    let r = sample();
    let plain = text::render(&r, &TextOptions { color: false });
    let coloured = text::render(&r, &TextOptions { color: true });
    assert!(!plain.contains('\x1b'));
    assert!(coloured.contains("\x1b[1;31merror[DF125]"));
    assert_eq!(strip_ansi(&coloured), plain);
}

#[test]
fn output_does_not_depend_on_finding_order() {
    let r = sample();
    let mut shuffled = sample();
    shuffled.findings.reverse();
    shuffled.diagnostics.reverse();
    shuffled.files.reverse();
    let opts = sarif_opts();
    assert_eq!(
        text::render(&r, &TextOptions::default()),
        text::render(&shuffled, &TextOptions::default())
    );
    assert_eq!(json::render(&r), json::render(&shuffled));
    assert_eq!(sarif::render(&r, &opts), sarif::render(&shuffled, &opts));
    assert_eq!(compact::render(&r), compact::render(&shuffled));
    assert_eq!(github::render(&r), github::render(&shuffled));
    assert_eq!(azure::render(&r), azure::render(&shuffled));
}

#[test]
fn suppressed_findings_are_counted_not_shown() {
    let r = sample();
    let t = text::render(&r, &TextOptions::default());
    assert!(!t.contains("DF122"), "suppressed finding printed:\n{t}");
    assert!(
        t.ends_with("3 errors, 2 warnings in 3 files (2 suppressed); 2 diagnostics\n"),
        "{t}"
    );
    let c = compact::render(&r);
    assert!(
        c.ends_with(
            "3 errors, 2 warnings in 3 files (2 suppressed); 2 diagnostics; 3 at or above the threshold (error)\n"
        ),
        "{c}"
    );
    for out in [github::render(&r), azure::render(&r), c] {
        assert!(!out.contains("DF122"));
        assert!(
            !out.contains("e.xample"),
            "externally suppressed finding leaked:\n{out}"
        );
    }
    let j: serde_json::Value = serde_json::from_str(&json::render(&r)).unwrap();
    assert_eq!(j["findings"].as_array().unwrap().len(), r.findings.len());
    assert_eq!(j["summary"]["suppressed"], 2);
}

#[test]
fn hostile_text_cannot_escape_its_command_or_terminal() {
    let mut r = sample();
    r.findings[1].message =
        "x\n::error file=evil::owned\r\n##vso[task.complete result=Succeeded;]\x1b[2J".into();
    let gh = github::render(&r);
    let az = azure::render(&r);
    let tx = text::render(&r, &TextOptions::default());
    // 5 unsuppressed findings + 2 diagnostics, one command per line, none injected.
    assert_eq!(gh.lines().count(), 7, "{gh}");
    for line in gh.lines() {
        assert!(line.starts_with("::"), "{line}");
        assert!(!line.starts_with("::error file=evil"), "{line}");
    }
    assert_eq!(az.lines().count(), 7, "{az}");
    for line in az.lines() {
        assert!(line.starts_with("##vso[task.logissue "), "{line}");
    }
    assert!(
        az.contains("x%0A::error file=evil::owned%0D%0A##vso[task.complete result=Succeeded;]")
    );
    assert!(!tx.contains('\x1b'));
    assert!(!tx.contains("\n::error"));
    // One line per finding and diagnostic plus the summary; nothing reaches the terminal raw.
    let c = compact::render(&r);
    assert_eq!(c.lines().count(), 8, "{c}");
    assert!(!c.contains('\x1b') && !c.contains('\r'));
    assert!(!c.contains("\n::error"));
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

mod arbitrary_reports {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use portcullis::engine::{Diagnostic, Report};
    use portcullis::finding::{
        FailOn, Finding, Fix, Location, Related, Severity, Suppression, SuppressionKind,
    };
    use portcullis::report::{
        SarifOptions, TextOptions, azure, compact, github, json, sarif, text,
    };
    use portcullis::source::{LineIndex, Position, Region, Span};
    use proptest::prelude::*;

    use super::report_fixture::{PIPE_TO_SHELL, RELATIVE_WORKDIR};

    const BIDI: char = '\u{202E}';

    fn severity() -> impl Strategy<Value = Severity> {
        prop_oneof![
            Just(Severity::Note),
            Just(Severity::Warning),
            Just(Severity::Error)
        ]
    }

    /// Text with multi-byte chars, tabs, CR/LF, control and bidi characters, long runs.
    fn source_text() -> impl Strategy<Value = String> {
        "([a-zA-Z =$\\\\`\"]|\t|\r|\n|\r\n|é|😀|\u{202E}|\u{1b}|x{120}){0,60}"
    }

    prop_compose! {
        fn finding(text_len: usize)(
            rule in prop_oneof![Just("DF125"), Just("DF501"), Just("DF128"), Just("X1")],
            sev in severity(),
            message in "(.|\n|%|:|,|;|\\]){0,20}",
            a in 0..text_len + 4,
            b in 0..text_len + 4,
            line in 0usize..8,
            col in 0usize..200,
            suppressed in any::<bool>(),
            with_fix in any::<bool>(),
            with_related in any::<bool>(),
            path in prop_oneof![Just("Dockerfile"), Just("a b/Dockérfile"), Just("missing/Dockerfile")],
        ) -> Finding {
            let pos = Position { line, column: col, utf16_column: col };
            let loc = Location {
                path: path.to_string(),
                span: Span::new(a, b),
                region: Region { start: pos, end: Position { line: line / 2, column: 1, utf16_column: 0 } },
            };
            Finding {
                rule: rule.to_string(),
                severity: sev,
                message: message.clone(),
                location: loc.clone(),
                fingerprint: format!("{a:x}{b:x}"),
                related: if with_related { vec![Related { message: message.clone(), location: loc }] } else { Vec::new() },
                fix: with_fix.then(|| Fix { description: message.clone(), span: Span::new(b, a), replacement: message.clone() }),
                suppression: suppressed.then_some(Suppression { kind: SuppressionKind::InSource, reason: message }),
            }
        }
    }

    fn report() -> impl Strategy<Value = Report> {
        source_text().prop_flat_map(|text| {
            let n = text.len();
            (
                Just(text),
                proptest::collection::vec(finding(n), 0..6),
                proptest::option::of(1usize..5),
                any::<bool>(),
            )
                .prop_map(|(text, mut findings, diag_line, fail_note)| {
                    // Half the findings get a region computed from the text like the engine does.
                    let idx = LineIndex::new(&text);
                    for f in findings.iter_mut().step_by(2) {
                        f.location.region = idx.region(&text, f.location.span);
                    }
                    let mut sources = BTreeMap::new();
                    sources.insert("Dockerfile".to_string(), Arc::from(text.as_str()));
                    sources.insert("a b/Dockérfile".to_string(), Arc::from(text.as_str()));
                    Report {
                        tool_version: "0.1.0",
                        findings,
                        files: Vec::new(),
                        diagnostics: vec![Diagnostic {
                            severity: Severity::Error,
                            path: diag_line.map(|_| "x%;]:,\n".to_string()),
                            line: diag_line,
                            message: text.clone(),
                        }],
                        rules: vec![&PIPE_TO_SHELL, &RELATIVE_WORKDIR],
                        fail_on: if fail_note {
                            FailOn::Note
                        } else {
                            FailOn::Error
                        },
                        sources,
                        sbom: None,
                        sca: Default::default(),
                    }
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn every_format_renders_any_report(r in report()) {
            let t = text::render(&r, &TextOptions { color: false });
            prop_assert!(!t.contains('\x1b'), "escape in text");
            prop_assert!(!t.contains(BIDI), "bidi in text");
            prop_assert!(!t.contains('\r'));
            let c = text::render(&r, &TextOptions { color: true });
            prop_assert!(c.len() >= t.len());

            let j: serde_json::Value = serde_json::from_str(&json::render(&r)).expect("json");
            prop_assert_eq!(j["findings"].as_array().map(Vec::len), Some(r.findings.len()));

            let s = sarif::render(&r, &SarifOptions { automation_id: None, tool_version: "0.1.0" });
            let s: serde_json::Value = serde_json::from_str(&s).expect("sarif json");
            for res in s["runs"][0]["results"].as_array().expect("results") {
                let region = &res["locations"][0]["physicalLocation"]["region"];
                let (sl, el) = (region["startLine"].as_u64().unwrap(), region["endLine"].as_u64().unwrap());
                prop_assert!(sl >= 1 && el >= sl);
                if sl == el {
                    prop_assert!(region["endColumn"].as_u64() >= region["startColumn"].as_u64());
                }
            }

            let unsuppressed = r.findings.iter().filter(|f| !f.is_suppressed()).count();
            let gh = github::render(&r);
            prop_assert_eq!(gh.lines().count(), unsuppressed + r.diagnostics.len());
            prop_assert!(gh.lines().all(|l| l.starts_with("::")));
            let az = azure::render(&r);
            prop_assert!(az.lines().all(|l| l.starts_with("##vso[task.logissue type=")));

            let cp = compact::render(&r);
            prop_assert_eq!(cp.lines().count(), unsuppressed + r.diagnostics.len() + 1);
            prop_assert!(!cp.contains('\x1b') && !cp.contains(BIDI) && !cp.contains('\r'));
            let last = cp.lines().last().unwrap_or_default();
            prop_assert!(last.contains(" in ") && last.contains("file"), "{}", last);
        }
    }
}
