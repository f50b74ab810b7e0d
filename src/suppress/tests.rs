use super::*;

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
        ("portcullis ignore=DF1 why=\"x\"", "did you mean reason="),
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
