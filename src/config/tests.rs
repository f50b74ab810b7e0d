use super::validate::{closest, edit_distance, innermost};
use super::*;

const KNOWN: &[&str] = &["DF114", "DF141", "DF402", "DF501", "DF502", "DF203"];
const PATH: &str = ".portcullis.yaml";

fn ok(text: &str) -> Config {
    match parse(PATH, text, KNOWN) {
        Ok(c) => c,
        Err(errs) => panic!("expected Ok, got {errs:#?}"),
    }
}

fn errs(text: &str) -> Vec<ConfigError> {
    match parse(PATH, text, KNOWN) {
        Ok(c) => panic!("expected errors, got {c:#?}"),
        Err(e) => e,
    }
}

/// The single error of `text`, as (line, column, message).
fn one_err(text: &str) -> (usize, usize, String) {
    let e = errs(text);
    assert_eq!(e.len(), 1, "expected exactly one error, got {e:#?}");
    (e[0].line, e[0].column, e[0].message.clone())
}

fn date(s: &str) -> Date {
    Date::parse(s).expect("valid date")
}

// ---------------------------------------------------------------- defaults and happy path

#[test]
fn empty_and_comment_only_files_are_defaults() {
    for text in [
        "",
        "\n\n",
        "# just a comment\n# another\n",
        "---\n",
        "---\n# c\n...\n",
        "~\n",
        "\u{feff}",
    ] {
        let c = ok(text);
        assert_eq!(c.fail_on, FailOn::Error, "{text:?}");
        assert!(c.rules.is_empty());
        assert!(c.exclude.is_empty());
        assert!(c.ignores.is_empty());
        assert!(c.build_args.is_empty());
        assert_eq!(c.target, None);
        assert!(c.build_only_downgrade);
        assert_eq!(c.source.as_deref(), Some(PATH));
    }
}

#[test]
fn default_config_has_no_source() {
    let c = Config::default();
    assert_eq!(c.source, None);
    assert_eq!(c.fail_on, FailOn::Error);
    assert!(c.build_only_downgrade);
    assert_eq!(c.rule_setting("DF114"), None);
    assert!(!c.is_excluded("vendor/Dockerfile"));
}

#[test]
fn full_example_parses() {
    let c = ok(r#"
version: 1
fail-on: warning
rules:
  DF114: off
  df402: warning
  DF501: "on"
  DF502: note
  DF203: error
exclude:
  - "vendor/**"
  - legacy
ignore:
  - rule: DF501
    paths: ["legacy/**"]
    reason: "vendor script, verified manually"
    until: 2027-01-31
  - rules: [df502, "*"]
    reason: everything in tools is generated
    paths: tools/**
build-args:
  BASE: mcr.microsoft.com/windows/servercore:ltsc2022
  VERSION: 1.10
  PORT: 8080
  EMPTY: ""
target: runtime
build-only-downgrade: false
"#);
    assert_eq!(c.fail_on, FailOn::Warning);
    assert_eq!(c.rule_setting("DF114"), Some(RuleSetting::Off));
    assert_eq!(c.rule_setting("df114"), Some(RuleSetting::Off));
    assert_eq!(
        c.rule_setting("DF402"),
        Some(RuleSetting::Severity(Severity::Warning))
    );
    assert_eq!(c.rule_setting("DF501"), Some(RuleSetting::On));
    assert_eq!(
        c.rule_setting("DF502"),
        Some(RuleSetting::Severity(Severity::Note))
    );
    assert_eq!(
        c.rule_setting("DF203"),
        Some(RuleSetting::Severity(Severity::Error))
    );
    assert_eq!(c.rule_setting("DF141"), None);
    assert_eq!(
        c.exclude,
        vec!["vendor/**".to_string(), "legacy".to_string()]
    );
    assert_eq!(c.ignores.len(), 2);
    let ig = &c.ignores[0];
    assert_eq!(ig.rules, vec!["DF501".to_string()]);
    assert_eq!(ig.paths, vec!["legacy/**".to_string()]);
    assert_eq!(ig.reason, "vendor script, verified manually");
    assert_eq!(ig.until, Some(date("2027-01-31")));
    assert_eq!(ig.line, 14);
    let ig = &c.ignores[1];
    assert_eq!(ig.rules, vec!["DF502".to_string(), "*".to_string()]);
    assert_eq!(ig.paths, vec!["tools/**".to_string()]);
    assert_eq!(ig.until, None);
    assert_eq!(ig.line, 18);
    assert_eq!(
        c.build_args.get("BASE").map(String::as_str),
        Some("mcr.microsoft.com/windows/servercore:ltsc2022")
    );
    // Plain scalars keep their text: 1.10 is not turned into the number 1.1.
    assert_eq!(
        c.build_args.get("VERSION").map(String::as_str),
        Some("1.10")
    );
    assert_eq!(c.build_args.get("PORT").map(String::as_str), Some("8080"));
    assert_eq!(c.build_args.get("EMPTY").map(String::as_str), Some(""));
    assert_eq!(c.target.as_deref(), Some("runtime"));
    assert!(!c.build_only_downgrade);
}

#[test]
fn rule_settings_words_and_yaml_booleans() {
    let c =
        ok("rules:\n  DF114: false\n  DF141: true\n  DF402: info\n  DF501: WARN\n  DF502: Off\n");
    assert_eq!(c.rule_setting("DF114"), Some(RuleSetting::Off));
    assert_eq!(c.rule_setting("DF141"), Some(RuleSetting::On));
    assert_eq!(
        c.rule_setting("DF402"),
        Some(RuleSetting::Severity(Severity::Note))
    );
    assert_eq!(
        c.rule_setting("DF501"),
        Some(RuleSetting::Severity(Severity::Warning))
    );
    assert_eq!(c.rule_setting("DF502"), Some(RuleSetting::Off));
}

#[test]
fn fail_on_values() {
    assert_eq!(ok("fail-on: none\n").fail_on, FailOn::None);
    assert_eq!(ok("fail-on: note\n").fail_on, FailOn::Note);
    assert_eq!(ok("fail-on: ERROR\n").fail_on, FailOn::Error);
    assert_eq!(ok("fail-on: off\n").fail_on, FailOn::None);
    assert_eq!(ok("fail-on:\n").fail_on, FailOn::Error);
}

#[test]
fn version_forms() {
    ok("version: 1\n");
    ok("version: \"1\"\n");
    let (l, c, m) = one_err("fail-on: error\nversion: 2\n");
    assert_eq!((l, c), (2, 10));
    assert!(
        m.contains("unsupported version") && m.contains("`version: 1`"),
        "{m}"
    );
    let (l, c, _) = one_err("version: 1.0\n");
    assert_eq!((l, c), (1, 10));
    let (l, c, _) = one_err("version: [1]\n");
    assert_eq!((l, c), (1, 10));
}

#[test]
fn single_strings_are_accepted_for_lists() {
    let c = ok("exclude: vendor\nignore:\n  - rules: DF114\n    paths: a/**\n    reason: r\n");
    assert_eq!(c.exclude, vec!["vendor".to_string()]);
    assert_eq!(c.ignores[0].rules, vec!["DF114".to_string()]);
    assert_eq!(c.ignores[0].paths, vec!["a/**".to_string()]);
}

#[test]
fn display_is_path_line_col_message() {
    let e = ConfigError {
        path: "a/.portcullis.yaml".into(),
        line: 3,
        column: 7,
        message: "boom".into(),
    };
    assert_eq!(e.to_string(), "a/.portcullis.yaml:3:7: boom");
    let errs = errs("fail-on: sometimes\n");
    assert_eq!(errs[0].path, PATH);
    assert!(
        errs[0].to_string().starts_with(".portcullis.yaml:1:10: "),
        "{}",
        errs[0]
    );
}

// ---------------------------------------------------------------- error kinds with positions

#[test]
fn unknown_top_level_key_with_suggestion() {
    let (l, c, m) = one_err("version: 1\nfail_on: error\n");
    assert_eq!((l, c), (2, 1));
    assert!(m.contains("unknown key `fail_on`"), "{m}");
    assert!(m.contains("did you mean `fail-on`?"), "{m}");
    assert!(m.contains("Valid keys: version, fail-on"), "{m}");
    let (_, _, m) = one_err("colour: blue\n");
    assert!(
        m.starts_with("unknown key `colour`; valid keys: version,"),
        "{m}"
    );

    let (_, _, m) = one_err("exlude: [a]\n");
    assert!(m.contains("did you mean `exclude`?"), "{m}");
    let (_, _, m) = one_err("ignores: []\n");
    assert!(m.contains("did you mean `ignore`?"), "{m}");
    let (_, _, m) = one_err("Build-Args: {}\n");
    assert!(m.contains("did you mean `build-args`?"), "{m}");
    let (_, _, m) = one_err("colour: blue\n");
    assert!(!m.contains("did you mean"), "{m}");
}

#[test]
fn all_unknown_keys_are_reported() {
    let e = errs(
        "fail_on: error\nversion: 1\nexlude: [a]\nignore:\n  - rule: DF114\n    reasn: x\n    path: y\n",
    );
    let pos: Vec<(usize, usize)> = e.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(pos, vec![(1, 1), (3, 1), (6, 5), (7, 5)], "{e:#?}");
    assert!(
        e[2].message
            .contains("unknown key `reasn` in ignore entry; did you mean `reason`?"),
        "{}",
        e[2].message
    );
    assert!(
        e[3].message.contains("did you mean `paths`?"),
        "{}",
        e[3].message
    );
}

#[test]
fn unknown_key_in_ignore_entry_only() {
    let (l, c, m) = one_err("ignore:\n  - rule: DF114\n    reason: ok\n    expires: 2027-01-01\n");
    assert_eq!((l, c), (4, 5));
    assert!(m.contains("unknown key `expires` in ignore entry"), "{m}");
    assert!(
        m.contains("alid keys: rule, rules, paths, reason, until"),
        "{m}"
    );
}

#[test]
fn bad_severity_word() {
    let (l, c, m) = one_err("rules:\n  DF114: off\n  DF402: critical\n");
    assert_eq!((l, c), (3, 10));
    assert!(
        m.contains("`critical` is not a rule setting for DF402"),
        "{m}"
    );
    assert!(m.contains("use off, on, note, warning or error"), "{m}");
    let (l, c, m) = one_err("rules:\n  DF402: 3\n");
    assert_eq!((l, c), (2, 10));
    assert!(m.contains("the number `3`"), "{m}");
    let (l, c, _) = one_err("rules:\n  DF402:\n");
    assert_eq!(l, 2);
    assert!(c >= 8);
}

#[test]
fn unknown_rule_id_with_closest_suggestion() {
    let (l, c, m) = one_err("rules:\n  DF114: off\n  DF1144: off\n");
    assert_eq!((l, c), (3, 3));
    assert!(
        m.contains("unknown rule id `DF1144`; did you mean DF114?"),
        "{m}"
    );
    // A transposition is one edit.
    let (_, _, m) = one_err("rules:\n  DF411: off\n");
    assert!(
        m.contains("did you mean DF141?") || m.contains("did you mean DF114?"),
        "{m}"
    );
    let (_, _, m) = one_err("rules:\n  XYZ999: off\n");
    assert!(m.contains("unknown rule id `XYZ999`; check the id"), "{m}");
    let (l, c, m) = one_err("ignore:\n  - rule: DF5O1\n    reason: typo\n");
    assert_eq!((l, c), (2, 11));
    assert!(m.contains("did you mean DF501?"), "{m}");
    let (l, c, m) = one_err("ignore:\n  - rules: [DF114, DF999]\n    reason: r\n");
    assert_eq!((l, c), (2, 20));
    assert!(m.contains("`DF999`"), "{m}");
}

#[test]
fn star_only_in_ignores() {
    let (l, c, m) = one_err("rules:\n  \"*\": off\n");
    assert_eq!((l, c), (2, 3));
    assert!(m.contains("`*` is only allowed in `ignore`"), "{m}");
    let c = ok("ignore:\n  - rule: \"*\"\n    reason: all of it\n");
    assert_eq!(c.ignores[0].rules, vec!["*".to_string()]);
}

#[test]
fn duplicate_rule_ids_case_insensitive() {
    let (l, c, m) = one_err("rules:\n  DF114: off\n  df114: on\n");
    assert_eq!((l, c), (3, 3));
    assert!(m.contains("rule DF114 is set twice"), "{m}");
}

#[test]
fn duplicate_yaml_key() {
    let (l, c, m) = one_err("version: 1\nfail-on: error\nfail-on: note\n");
    assert_eq!((l, c), (3, 1));
    assert!(m.contains("`fail-on` appears twice"), "{m}");
}

#[test]
fn wrong_types() {
    let (l, c, m) = one_err("build-only-downgrade: maybe\n");
    assert_eq!((l, c), (1, 23));
    assert!(m.contains("use true or false"), "{m}");
    let (l, c, m) = one_err("fail-on: [error]\n");
    assert_eq!((l, c), (1, 10));
    assert!(
        m.contains("`fail-on` is a list; use one of error, warning, note, none"),
        "{m}"
    );
    let (l, c, m) = one_err("exclude:\n  - vendor\n  - {a: b}\n");
    assert_eq!((l, c), (3, 5));
    assert!(
        m.contains("`exclude` has a mapping; expected a glob"),
        "{m}"
    );
    let (l, c, m) = one_err("rules: [DF114]\n");
    assert_eq!((l, c), (1, 8));
    assert!(m.contains("expected a mapping"), "{m}");
    let (l, c, m) = one_err("- a\n- b\n");
    assert_eq!((l, c), (1, 1));
    assert!(m.contains("expected a mapping"), "{m}");
    let (l, _, m) = one_err("ignore:\n  rule: DF114\n");
    assert_eq!(l, 2);
    assert!(m.contains("expected a list"), "{m}");
}

#[test]
fn all_semantic_errors_are_collected() {
    let e = errs(
        "version: 3\nfail-on: loud\nrules:\n  DF114: loud\n  DF9: off\nexclude: ['a\\\\b']\nignore:\n  - rule: DF114\n  - rule: DF402\n    reason: r\n    until: soon\nbuild-only-downgrade: 2\n",
    );
    let pos: Vec<(usize, usize)> = e.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(
        pos,
        vec![
            (1, 10),
            (2, 10),
            (4, 10),
            (5, 3),
            (6, 11),
            (8, 5),
            (11, 12),
            (12, 23)
        ],
        "{e:#?}"
    );
}

#[test]
fn ignore_without_reason() {
    let (l, c, m) = one_err("ignore:\n  - rule: DF114\n    paths: [a]\n");
    assert_eq!((l, c), (2, 5));
    assert!(
        m.contains("ignore entry has no reason; add `reason:"),
        "{m}"
    );
    let (l, c, _) = one_err("ignore:\n  - rule: DF114\n    reason: \"  \"\n");
    assert_eq!((l, c), (3, 13));
    let (l, c, _) = one_err("ignore:\n  - rule: DF114\n    reason:\n");
    assert_eq!((l, c), (2, 5));
}

#[test]
fn ignore_without_rule() {
    let (l, c, m) = one_err("ignore:\n  - reason: why\n    paths: [a]\n");
    assert_eq!((l, c), (2, 5));
    assert!(m.contains("names no rule"), "{m}");
    let (l, c, m) = one_err("ignore:\n  - rules: []\n    reason: why\n");
    assert_eq!((l, c), (2, 12));
    assert!(m.contains("empty list"), "{m}");
}

#[test]
fn bad_until_dates() {
    for (text, col) in [
        (
            "ignore:\n  - rule: DF114\n    reason: r\n    until: 2027-02-30\n",
            12,
        ),
        (
            "ignore:\n  - rule: DF114\n    reason: r\n    until: 2027-1-5\n",
            12,
        ),
        (
            "ignore:\n  - rule: DF114\n    reason: r\n    until: 20270105\n",
            12,
        ),
        (
            "ignore:\n  - rule: DF114\n    reason: r\n    until: next year\n",
            12,
        ),
        (
            "ignore:\n  - rule: DF114\n    reason: r\n    until: [2027-01-05]\n",
            12,
        ),
    ] {
        let (l, c, m) = one_err(text);
        assert_eq!((l, c), (4, col), "{text}");
        assert!(m.contains("write a date as YYYY-MM-DD"), "{m}");
    }
    let c = ok("ignore:\n  - rule: DF114\n    reason: r\n    until: \"2024-02-29\"\n");
    assert_eq!(c.ignores[0].until, Some(date("2024-02-29")));
}

#[test]
fn version_other_than_one() {
    let (l, c, m) = one_err("# header\n\nversion: 0\n");
    assert_eq!((l, c), (3, 10));
    assert!(m.contains("`version: 1`"), "{m}");
}

#[test]
fn bad_globs() {
    let (l, c, m) = one_err("exclude:\n  - ok/**\n  - \"bad/[x\"\n");
    assert_eq!((l, c), (3, 5));
    assert!(m.contains("in `exclude`: invalid glob `bad/[x`"), "{m}");
    let (l, c, m) = one_err("ignore:\n  - rule: DF114\n    reason: r\n    paths: ['{a,b']\n");
    assert_eq!((l, c), (4, 13));
    assert!(m.contains("in `paths`"), "{m}");
    let (_, _, m) = one_err("exclude: ['vendor\\**']\n");
    assert!(m.contains("write paths with `/`"), "{m}");
    let (_, _, m) = one_err("exclude: ['']\n");
    assert!(m.contains("empty pattern"), "{m}");
    let (l, c, m) = one_err("exclude: []\n");
    assert_eq!((l, c), (1, 10));
    assert!(m.contains("empty list"), "{m}");
}

#[test]
fn build_arg_problems() {
    let (l, c, m) = one_err("build-args:\n  BASE:\n");
    assert_eq!(l, 2);
    assert!(c >= 7, "{c}");
    assert!(m.contains("build arg `BASE` has no value"), "{m}");
    let (l, c, m) = one_err("build-args:\n  \"A B\": x\n");
    assert_eq!((l, c), (2, 3));
    assert!(m.contains("not a build arg name"), "{m}");
    let (l, c, _) = one_err("target: \"\"\n");
    assert_eq!((l, c), (1, 9));
}

#[test]
fn yaml_syntax_errors_have_positions() {
    let (l, c, m) = one_err("rules:\n  DF114: [\n");
    assert_eq!(l, 2);
    assert!(c >= 10, "{c}");
    assert!(m.starts_with("invalid YAML: "), "{m}");
    let (l, _, m) = one_err("rules:\n\tDF114: off\n");
    assert_eq!(l, 2);
    assert!(m.contains("tab"), "{m}");
    let (l, _, m) = one_err("version: 1\n---\nversion: 1\n");
    assert_eq!(l, 3);
    assert!(m.contains("more than one YAML document"), "{m}");
}

#[test]
fn yaml_bombs_fail_fast() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, name) in ["b", "c", "d", "e", "f", "g", "h", "i"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e", "f", "g", "h"][i];
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    for text in [
        bomb.clone(),
        format!(
            "rules: {{}}\nexclude: &x [a]\n{}",
            bomb.replace("a: &a", "z: &a")
        ),
    ] {
        let e = errs(&text);
        assert!(!e.is_empty());
    }
    // Aliases inside a known key: expansion is bounded too.
    let mut nested = String::from(
        "exclude: &l0 [\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\"]\n",
    );
    nested.push_str("ignore:\n");
    for i in 1..10 {
        let refs = vec![format!("*l{}", i - 1); 10].join(",");
        nested.push_str(&format!(
            "  - rule: DF114\n    reason: r\n    paths: &l{i} [{refs}]\n"
        ));
    }
    let e = errs(&nested);
    assert!(
        e.iter()
            .any(|e| e.message.contains("too large") || e.message.contains("expected")),
        "{e:#?}"
    );
}

#[test]
fn deep_nesting_does_not_overflow() {
    let text = format!("rules: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let e = errs(&text);
    assert_eq!(e.len(), 1);
    let text = format!("x: {}\n", "- ".repeat(5_000));
    assert!(!errs(&text).is_empty());
    let mut text = String::from("ignore:\n");
    for depth in 0..200 {
        text.push_str(&" ".repeat(2 + depth * 2));
        text.push_str("- \n");
    }
    assert!(!errs(&text).is_empty());
}

#[test]
fn oversized_file_is_rejected() {
    let text = format!("# {}\n", "x".repeat(MAX_CONFIG_BYTES));
    let (l, c, m) = one_err(&text);
    assert_eq!((l, c), (1, 1));
    assert!(m.contains("bytes"), "{m}");
}

#[test]
fn arbitrary_garbage_never_panics() {
    for text in [
        "\0",
        ":",
        "[",
        "{",
        "&a *a",
        "*a",
        "!!binary x",
        "? [a]\n: b\n",
        "rules: !!map {}\n",
        "rules:\n  ? [DF114]\n  : off\n",
        "\u{feff}\u{feff}",
        "%YAML 1.2\n---\nversion: 1\n",
        "ignore: [~]\n",
        "ignore: [[]]\n",
        "ignore:\n  - ~\n",
        "exclude: [~]\n",
        "build-args: [a]\n",
        "version: !!str 1\n",
        "'\n",
        "\"\\u\"\n",
        "a: 'b\n",
    ] {
        let _ = parse(PATH, text, KNOWN);
    }
}

// ---------------------------------------------------------------- behaviour of the Config

#[test]
fn exclude_glob_semantics() {
    let c = ok("exclude:\n  - vendor\n  - \"**/legacy/*.Dockerfile\"\n  - build/**\n");
    assert!(c.is_excluded("vendor/Dockerfile"));
    assert!(c.is_excluded("src/vendor/x/Dockerfile"));
    assert!(c.is_excluded("legacy/app.Dockerfile"));
    assert!(c.is_excluded("a/legacy/app.Dockerfile"));
    assert!(!c.is_excluded("a/legacy/Dockerfile"));
    assert!(c.is_excluded("build/Dockerfile"));
    assert!(!c.is_excluded("src/build/Dockerfile"));
    assert!(!c.is_excluded("Dockerfile"));
    assert!(!c.is_excluded("vendored/Dockerfile"));
}

#[test]
fn ignore_matching_rules_paths_and_order() {
    let c = ok(r#"
ignore:
  - rule: df501
    paths: ["legacy/**"]
    reason: first
  - rules: ["*"]
    paths: [tools]
    reason: second
  - rule: DF501
    reason: third
"#);
    let today = date("2026-01-01");
    assert_eq!(
        c.ignore_for("DF501", "legacy/Dockerfile", today)
            .map(|i| i.reason.as_str()),
        Some("first")
    );
    assert_eq!(
        c.ignore_for("df501", "legacy/a/Dockerfile", today)
            .map(|i| i.reason.as_str()),
        Some("first")
    );
    assert_eq!(
        c.ignore_for("DF114", "x/tools/Dockerfile", today)
            .map(|i| i.reason.as_str()),
        Some("second")
    );
    assert_eq!(
        c.ignore_for("DF501", "src/Dockerfile", today)
            .map(|i| i.reason.as_str()),
        Some("third")
    );
    assert_eq!(c.ignore_for("DF502", "src/Dockerfile", today), None);
}

#[test]
fn ignore_expiry_boundaries() {
    let c = ok(
        "ignore:\n  - rule: DF114\n    reason: until end of January\n    until: 2027-01-31\n  - rule: DF402\n    reason: forever\n",
    );
    let before = date("2027-01-30");
    let on = date("2027-01-31");
    let after = date("2027-02-01");
    assert!(c.ignore_for("DF114", "Dockerfile", before).is_some());
    assert!(
        c.ignore_for("DF114", "Dockerfile", on).is_some(),
        "active through its until date"
    );
    assert!(
        c.ignore_for("DF114", "Dockerfile", after).is_none(),
        "expired the day after"
    );
    assert!(c.expired_ignores(before).is_empty());
    assert!(c.expired_ignores(on).is_empty());
    let expired = c.expired_ignores(after);
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].rules, vec!["DF114".to_string()]);
    assert_eq!(expired[0].line, 2);
    // Ignores without `until` never expire.
    assert!(
        c.ignore_for("DF402", "Dockerfile", date("2999-12-31"))
            .is_some()
    );
}

#[test]
fn expired_ignore_falls_through_to_next() {
    let c = ok(
        "ignore:\n  - rule: DF114\n    reason: old\n    until: 2020-01-01\n  - rule: DF114\n    reason: new\n",
    );
    let ig = c.ignore_for("DF114", "Dockerfile", date("2026-06-01"));
    assert_eq!(ig.map(|i| i.reason.as_str()), Some("new"));
}

#[test]
fn hand_built_config_with_bad_glob_does_not_panic() {
    let c = Config {
        exclude: vec!["[".into(), "vendor".into()],
        ..Config::default()
    };
    assert!(c.is_excluded("vendor/Dockerfile"));
    assert!(!c.is_excluded("src/Dockerfile"));
}

// ---------------------------------------------------------------- starter config and schema

#[test]
fn starter_config_parses_to_defaults() {
    let c = parse("starter.yaml", starter_config(), &[]).expect("starter parses");
    let d = Config::default();
    assert_eq!(c.fail_on, d.fail_on);
    assert_eq!(c.build_only_downgrade, d.build_only_downgrade);
    assert!(c.rules.is_empty() && c.ignores.is_empty() && c.exclude.is_empty());
    assert!(starter_config().contains("mcr.microsoft.com"));
    assert!(starter_config().contains("Docker Official Images"));
}

#[test]
fn starter_config_examples_parse_when_uncommented() {
    // Uncommenting the example blocks must give a valid config (the examples are not stale).
    let uncommented: String = starter_config()
        .lines()
        .filter_map(|l| {
            let t = l.strip_prefix("# ")?;
            let first = t.split_whitespace().next()?;
            let example = t.starts_with(' ')
                || [
                    "rules:",
                    "exclude:",
                    "ignore:",
                    "build-args:",
                    "target:",
                    "images:",
                    "advisories:",
                ]
                .contains(&first);
            example.then(|| format!("{t}\n"))
        })
        .collect();
    let c = parse("starter.yaml", &uncommented, &["DF114", "DF402", "DF501"])
        .unwrap_or_else(|e| panic!("{e:#?}\n{uncommented}"));
    assert_eq!(c.rule_setting("DF114"), Some(RuleSetting::Off));
    assert_eq!(c.advisories.source.as_deref(), Some("offline"));
    assert_eq!(c.advisories.ignores.len(), 1);
    assert_eq!(c.advisories.ignores[0].ids, vec!["GHSA-5CRP-9R3C-P9VR"]);
    assert_eq!(c.ignores.len(), 1);
    assert_eq!(c.ignores[0].until, Some(date("2027-01-31")));
    assert_eq!(c.target.as_deref(), Some("runtime"));
    assert!(c.build_args.contains_key("BASE"));
    assert_eq!(c.exclude.len(), 2);
    assert_eq!(c.images.windows_hosts, vec!["ltsc2022".to_string()]);
    assert!(c.images.allow.iter().any(|p| p.registry == "*.azurecr.io"));
}

#[test]
fn root_and_ignore_key_lists_match_the_structs() {
    // Every listed key is accepted by the raw structs ...
    for key in raw::ROOT_KEYS {
        let text = format!("{key}:\n");
        let r = serde_saphyr::from_str::<Option<RawConfig>>(&text);
        assert!(r.is_ok(), "{key}: {r:?}");
    }
    for key in raw::IGNORE_KEYS {
        let text = format!("ignore:\n  - {key}:\n");
        let r = serde_saphyr::from_str::<Option<RawConfig>>(&text);
        assert!(r.is_ok(), "{key}: {r:?}");
    }
    // ... and serde's own list of expected fields is exactly ours.
    match serde_saphyr::from_str::<Option<RawConfig>>("nope: 1\n") {
        Err(e) => match innermost(&e) {
            serde_saphyr::Error::SerdeUnknownField { expected, .. } => {
                assert_eq!(expected.as_slice(), raw::ROOT_KEYS)
            }
            other => panic!("{other:?}"),
        },
        Ok(_) => panic!("unknown key accepted"),
    }
    match serde_saphyr::from_str::<Option<RawConfig>>("ignore:\n  - nope: 1\n") {
        Err(e) => match innermost(&e) {
            serde_saphyr::Error::SerdeUnknownField { expected, .. } => {
                assert_eq!(expected.as_slice(), raw::IGNORE_KEYS)
            }
            other => panic!("{other:?}"),
        },
        Ok(_) => panic!("unknown key accepted"),
    }
}

#[test]
fn schema_lists_rule_ids_and_validates_configs() {
    let schema = json_schema(&["DF402", "df114", "DF114"]);
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let rule_props = schema["properties"]["rules"]["properties"]
        .as_object()
        .expect("object");
    let ids: Vec<&String> = rule_props.keys().collect();
    assert_eq!(ids, vec!["DF114", "DF402"]);
    let props = schema["properties"].as_object().expect("object");
    let keys: Vec<&str> = props.keys().map(String::as_str).collect();
    let mut expected: Vec<&str> = raw::ROOT_KEYS.to_vec();
    expected.sort();
    let mut keys_sorted = keys.clone();
    keys_sorted.sort();
    assert_eq!(keys_sorted, expected);
    let ignore_keys: Vec<&str> = schema["definitions"]["ignore"]["properties"]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut ik = raw::IGNORE_KEYS.to_vec();
    ik.sort();
    let mut ignore_sorted = ignore_keys.clone();
    ignore_sorted.sort();
    assert_eq!(ignore_sorted, ik);

    let validator = jsonschema::draft7::new(&schema).expect("schema compiles");
    let to_json = |yaml: &str| -> serde_json::Value {
        serde_saphyr::from_str::<Option<serde_json::Value>>(yaml)
            .expect("yaml")
            .unwrap_or(serde_json::Value::Object(Default::default()))
    };
    let good = to_json(
        "version: 1\nfail-on: warning\nrules:\n  DF114: off\n  DF402: warning\nexclude: [\"vendor/**\"]\nignore:\n  - rule: DF402\n    paths: [a]\n    reason: r\n    until: \"2027-01-31\"\n  - rules: [\"*\"]\n    reason: r\nbuild-args:\n  BASE: x\n  N: 1\ntarget: runtime\nbuild-only-downgrade: false\n",
    );
    assert!(
        validator.is_valid(&good),
        "{:?}",
        validator
            .iter_errors(&good)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    let starter = to_json(starter_config());
    assert!(validator.is_valid(&starter));
    for bad in [
        "fail_on: error\n",
        "rules:\n  DF999: off\n",
        "rules:\n  DF114: loud\n",
        "ignore:\n  - rule: DF114\n",
        "ignore:\n  - reason: r\n",
        "ignore:\n  - rule: DF114\n    reason: r\n    until: soon\n",
        "version: 2\n",
        "build-only-downgrade: maybe\n",
    ] {
        assert!(
            !validator.is_valid(&to_json(bad)),
            "schema accepted {bad:?}"
        );
        assert!(
            parse(PATH, bad, &["DF114", "DF402"]).is_err(),
            "parser accepted {bad:?}"
        );
    }
}

#[test]
fn edit_distance_basics() {
    assert_eq!(edit_distance("", ""), 0);
    assert_eq!(edit_distance("abc", "abc"), 0);
    assert_eq!(edit_distance("abc", "acb"), 1);
    assert_eq!(edit_distance("reasn", "reason"), 1);
    assert_eq!(edit_distance("kitten", "sitting"), 3);
    assert_eq!(
        closest(
            "DF1144",
            ["DF114".to_string(), "DF141".to_string()].into_iter()
        ),
        Some("DF114".to_string())
    );
    assert_eq!(closest("ZZZZZZ", ["DF114".to_string()].into_iter()), None);
}

#[test]
fn images_section_extends_the_embedded_policy() {
    use crate::baseimage::policy::{Scope, Verdict};
    use crate::baseimage::reference::ImageRef;
    let text = "images:\n  allow:\n    - registry: \"*.azurecr.io\"\n      reason: our registries\n  deny:\n    - registry: docker.io\n      repository: library/ubuntu\n      tag: \"1[0-8].*\"\n      reason: EOL Ubuntu\n  require-digest: true\n  scope: final\n  windows-hosts: [ltsc2022, LTSC2025]\n";
    let c = parse(".portcullis.yaml", text, &[]).expect("valid config");
    let p = &c.images;
    let img = |s: &str| ImageRef::parse(s).expect("valid reference");
    assert!(matches!(
        p.verdict(&img("myacr.azurecr.io/base:1")),
        Verdict::Allowed(_)
    ));
    assert!(matches!(
        p.verdict(&img("mcr.microsoft.com/windows/servercore:ltsc2022")),
        Verdict::Allowed(_)
    ));
    assert!(matches!(
        p.verdict(&img("ubuntu:18.04")),
        Verdict::Denied(_)
    ));
    assert!(p.require_digest && p.require_tag && !p.allow_latest);
    assert_eq!(p.scope, Scope::Final);
    assert_eq!(
        p.windows_hosts,
        vec!["ltsc2022".to_string(), "ltsc2025".to_string()]
    );
}

#[test]
fn images_replace_defaults() {
    use crate::baseimage::policy::Verdict;
    use crate::baseimage::reference::ImageRef;
    let text = "images:\n  replace-defaults: true\n  allow:\n    - registry: corp.example.com\n";
    let c = parse("c.yaml", text, &[]).expect("valid config");
    let img = |s: &str| ImageRef::parse(s).expect("valid reference");
    assert!(matches!(
        c.images.verdict(&img("node:22")),
        Verdict::NotAllowed
    ));
    assert!(matches!(
        c.images.verdict(&img("corp.example.com/base:1")),
        Verdict::Allowed(_)
    ));
}

#[test]
fn images_errors_have_positions() {
    let text = "images:\n  allow:\n    - repository: x\n  scope: everything\n  windows-hosts: [ltsc2030]\n  require-digest: yes please\n";
    let errs = parse("c.yaml", text, &[]).expect_err("invalid");
    let msgs: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("c.yaml:3:") && m.contains("no `registry`")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("c.yaml:4:") && m.contains("images.scope")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("c.yaml:5:") && m.contains("ltsc2030")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("c.yaml:6:") && m.contains("require-digest")),
        "{msgs:?}"
    );
}

#[test]
fn images_unknown_keys_are_reported() {
    let text = "images:\n  alow: []\n  deny:\n    - registry: x\n      repo: y\n";
    let errs = parse("c.yaml", text, &[]).expect_err("invalid");
    let msgs: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("c.yaml:2:") && m.contains("alow") && m.contains("allow")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.starts_with("c.yaml:5:") && m.contains("repo")),
        "{msgs:?}"
    );
}

#[test]
fn windows_hosts_are_ltsc_releases_added_once() {
    let mut c = Config::default();
    assert_eq!(c.add_windows_host(" LTSC2022 "), Ok(()));
    assert_eq!(c.add_windows_host("ltsc2022"), Ok(()));
    assert_eq!(c.add_windows_host("ltsc2019"), Ok(()));
    assert_eq!(c.images.windows_hosts, ["ltsc2022", "ltsc2019"]);
    let err = c.add_windows_host("2004").unwrap_err();
    assert!(
        err.starts_with("`2004` is not a Windows Server version"),
        "{err}"
    );
    assert!(c.add_windows_host("windows11").is_err());
    assert_eq!(c.images.windows_hosts.len(), 2);
}
