use super::*;
use crate::config::Config;
use crate::engine::{ScanOptions, scan};
use crate::source::{Date, SourceFile};

fn report(path: &str, text: &str) -> Report {
    let opts = ScanOptions::new(Date::from_days_since_epoch(20_468));
    scan(&[SourceFile::new(path, text)], &Config::default(), &opts)
}

#[test]
fn positions_round_trip_in_utf16_with_tabs_crlf_and_non_ascii() {
    let text = "# café ☕\r\n\t😀 x\r\nlast";
    let doc = Doc::new(text);
    // `x` on line 1: tab (1 unit), emoji (2 units), space (1) → character 4.
    let x = text.find('x').unwrap_or(0);
    assert_eq!(doc.position(x), json!({"line": 1, "character": 4}));
    assert_eq!(doc.offset(1, 4), x);
    // Inside the surrogate pair rounds down to the emoji's start.
    assert_eq!(doc.offset(1, 2), text.find('😀').unwrap_or(0));
    // Past the end of a CRLF line clamps before `\r`.
    assert_eq!(doc.offset(0, 99), text.find('\r').unwrap_or(0));
    assert_eq!(
        doc.position(text.find('\r').unwrap_or(0)),
        json!({"line": 0, "character": 8})
    );
    // Past the last line clamps to the end.
    assert_eq!(doc.offset(99, 0), text.len());
    assert_eq!(doc.offset(u64::MAX, u64::MAX), text.len());
}

#[test]
fn span_of_orders_and_tolerates_garbage() {
    let doc = Doc::new("ab\ncd");
    let r = json!({"start": {"line": 1, "character": 1}, "end": {"line": 0, "character": 1}});
    assert_eq!(doc.span_of(&r), Span::new(1, 4));
    assert_eq!(doc.span_of(&json!("nonsense")), Span::new(0, 0));
}

#[test]
fn diagnostics_carry_rule_code_doc_link_and_utf16_range() {
    let text = "# café ☕\r\nFROM\tmicrosoft/aspnet:4.7.2\r\n";
    let rep = report("Dockerfile", text);
    let doc = Doc::new(text);
    let diags = diagnostics(&rep, "Dockerfile", "file:///w/Dockerfile", &doc);
    let d = diags
        .iter()
        .find(|d| d["code"] == "DF404")
        .cloned()
        .unwrap_or_default();
    assert_eq!(d["source"], "portcullis");
    assert_eq!(d["range"]["start"], json!({"line": 1, "character": 5}));
    assert_eq!(d["range"]["end"], json!({"line": 1, "character": 27}));
    assert!(
        d["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.contains("DF404"))
    );
    assert!(d["severity"].as_u64().is_some_and(|s| (1..=3).contains(&s)));
}

#[test]
fn code_actions_offer_the_fix_and_an_ignore_comment() {
    let text = "# café ☕\r\n  FROM\tmicrosoft/aspnet:4.7.2\r\n";
    let rep = report("Dockerfile", text);
    let doc = Doc::new(text);
    let at = text.find("microsoft").unwrap_or(0);
    let actions = code_actions(&rep, "Dockerfile", "u", &doc, Span::empty(at), true);
    let fix = actions
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with("DF404:")))
        .cloned()
        .unwrap_or_default();
    let edit = &fix["edit"]["changes"]["u"][0];
    assert_eq!(
        edit["newText"],
        "mcr.microsoft.com/dotnet/framework/aspnet:4.7.2"
    );
    assert_eq!(edit["range"]["start"], json!({"line": 1, "character": 7}));
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore DF404 here (with a reason)")
        .cloned()
        .unwrap_or_default();
    let edit = &ignore["edit"]["changes"]["u"][0];
    assert_eq!(edit["range"]["start"], json!({"line": 1, "character": 0}));
    assert_eq!(edit["range"]["end"], json!({"line": 1, "character": 0}));
    assert_eq!(
        edit["newText"],
        format!("  # portcullis ignore=DF404 reason=\"{IGNORE_REASON_PLACEHOLDER}\"\r\n")
    );
    // The inserted comment suppresses the finding.
    let fixed = format!(
        "{}{}{}",
        &text[..text.find("  FROM").unwrap_or(0)],
        edit["newText"].as_str().unwrap_or(""),
        &text[text.find("  FROM").unwrap_or(0)..]
    );
    let again = report("Dockerfile", &fixed);
    assert!(
        again
            .findings
            .iter()
            .filter(|f| f.rule == "DF404")
            .all(|f| f.is_suppressed())
    );
    // Nothing offered far from any finding.
    assert!(code_actions(&rep, "Dockerfile", "u", &doc, Span::empty(0), true).is_empty());
}

#[test]
fn hover_on_rule_id_in_comment_and_on_finding() {
    let text = "# portcullis ignore=DF404 reason=\"x\"\nFROM microsoft/aspnet:4.7.2\n";
    let rep = report("Dockerfile", text);
    let doc = Doc::new(text);
    let h = hover(
        &rep,
        &[],
        "Dockerfile",
        &doc,
        text.find("DF404").unwrap_or(0) + 2,
    )
    .unwrap_or_default();
    assert_eq!(h["contents"]["kind"], "markdown");
    assert!(
        h["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("DF404"))
    );
    assert_eq!(h["range"]["start"], json!({"line": 0, "character": 20}));
    assert!(hover(&rep, &[], "Dockerfile", &doc, 0).is_none());
}

#[test]
fn line_diagnostic_clamps() {
    let doc = Doc::new("a\r\nb");
    let d = line_diagnostic(&doc, Some(9), Severity::Warning, "m");
    assert_eq!(d["range"]["start"], json!({"line": 1, "character": 1}));
    let d = line_diagnostic(&doc, Some(1), Severity::Error, "m");
    assert_eq!(d["range"]["end"], json!({"line": 0, "character": 1}));
    assert_eq!(d["severity"], 1);
}

#[test]
fn utf8_positions_when_negotiated() {
    let only_utf8 = json!({"capabilities": {"general": {"positionEncodings": ["utf-8"]}}});
    let both = json!({"capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}});
    assert_eq!(
        PositionEncoding::negotiate(&only_utf8),
        PositionEncoding::Utf8
    );
    assert_eq!(PositionEncoding::negotiate(&both), PositionEncoding::Utf16);
    assert_eq!(
        PositionEncoding::negotiate(&json!({})),
        PositionEncoding::Utf16
    );
    let text = "# café\r\n\t😀 x\r\n";
    let doc = Doc::with_encoding(text, PositionEncoding::Utf8);
    let x = text.find('x').unwrap_or(0);
    // tab 1 byte, emoji 4, space 1.
    assert_eq!(doc.position(x), json!({"line": 1, "character": 6}));
    assert_eq!(doc.offset(1, 6), x);
    // Inside the emoji's bytes rounds down to its start.
    assert_eq!(doc.offset(1, 3), text.find('😀').unwrap_or(0));
    assert_eq!(
        doc.position(text.find('😀').unwrap_or(0) + 2),
        json!({"line": 1, "character": 1})
    );
    assert_eq!(
        doc.position(text.find('\r').unwrap_or(0)),
        json!({"line": 0, "character": 7})
    );
}

#[test]
fn kinds_by_name_and_language() {
    assert_eq!(DocKind::of("a/Dockerfile", None), DocKind::Dockerfile);
    assert_eq!(DocKind::of("b/x.dockerfile", None), DocKind::Dockerfile);
    assert_eq!(DocKind::of("app/app.csproj", None), DocKind::Manifest);
    assert_eq!(
        DocKind::of("Directory.Packages.props", None),
        DocKind::Manifest
    );
    assert_eq!(DocKind::of(".portcullis.yaml", None), DocKind::Config);
    assert_eq!(DocKind::of("README.md", None), DocKind::Other);
    assert_eq!(
        DocKind::of("Untitled-1", Some("dockerfile")),
        DocKind::Dockerfile
    );
    // A name the engine knows wins over the editor's language id.
    assert_eq!(
        DocKind::of("a.csproj", Some("dockerfile")),
        DocKind::Manifest
    );
}

#[test]
fn scan_document_lints_dockerfiles_and_checks_manifests() {
    let today = Date::from_days_since_epoch(20_468);
    let config = Config::default();
    let scan = scan_document(
        "svc/Dockerfile",
        "FROM microsoft/aspnet:4.7.2\nCOPY . .\n",
        DocKind::Dockerfile,
        &config,
        today,
        None,
    );
    let scan = scan.expect("a Dockerfile is scanned");
    let rules: Vec<&str> = scan
        .report
        .findings
        .iter()
        .map(|f| f.rule.as_str())
        .collect();
    assert!(rules.contains(&"DF404"), "{rules:?}");
    // The editor cannot know about .dockerignore files: no DF127.
    assert!(!rules.contains(&"DF127"), "{rules:?}");
    assert_eq!(scan.images.len(), 1);

    let csproj = "<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><PackageReference Include=\"A\" Version=\"$(Nope)\" /></ItemGroup></Project>\n";
    let scan = scan_document(
        "a/a.csproj",
        csproj,
        DocKind::Manifest,
        &config,
        today,
        None,
    )
    .expect("a manifest is scanned");
    assert!(
        scan.report
            .diagnostics
            .iter()
            .any(|d| d.path.as_deref() == Some("a/a.csproj") && d.message.contains("Nope")),
        "{:?}",
        scan.report.diagnostics
    );
    assert!(
        scan_notes(&scan.report)
            .iter()
            .any(|(_, m)| m.contains("not checked")),
        "{:?}",
        scan.report.diagnostics
    );
    assert!(
        scan_document(
            ".portcullis.yaml",
            "",
            DocKind::Config,
            &config,
            today,
            None
        )
        .is_none()
    );
}

#[test]
fn config_problems_become_line_diagnostics() {
    let text = "rules:\n  DF404: sometimes\n";
    let problems = parse_config(".portcullis.yaml", text).expect_err("invalid");
    assert_eq!(problems[0].line, 2);
    let diags = config_diagnostics(&Doc::new(text), &problems);
    assert_eq!(diags[0]["range"]["start"]["line"], 1);
    assert_eq!(diags[0]["severity"], 1);
    assert!(parse_config(".portcullis.yaml", "rules:\n  DF404: off\n").is_ok());
}
