//! The `advisories:` section of `.portcullis.yaml`: parsing, validation messages with
//! positions, advisory ignores (ids and aliases, package scope, expiry) and the JSON schema.

use portcullis::config::{self, DEFAULT_MAX_DB_AGE_DAYS, json_schema};
use portcullis::source::Date;

fn date(s: &str) -> Date {
    Date::parse(s).expect("date")
}

fn errors(text: &str) -> Vec<String> {
    match config::parse("c.yaml", text, &["DF114"]) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn a_full_section_parses() {
    let c = config::parse(
        "c.yaml",
        "advisories:\n  source: vendor/osv\n  max-db-age-days: 14\n  ignore:\n    - id: ghsa-5crp-9r3c-p9vr\n      package: Newtonsoft.Json\n      reason: \"no untrusted input\"\n      until: 2027-01-31\n    - id: [CVE-2021-26701, GHSA-ghhp-997w-qr28]\n      reason: r\n",
        &[],
    )
    .expect("valid");
    assert_eq!(c.advisories.source.as_deref(), Some("vendor/osv"));
    assert_eq!(c.advisories.max_db_age_days, 14);
    let ig = &c.advisories.ignores;
    assert_eq!(ig.len(), 2);
    assert_eq!(ig[0].ids, vec!["GHSA-5CRP-9R3C-P9VR"]);
    assert_eq!(ig[0].package.as_deref(), Some("Newtonsoft.Json"));
    assert_eq!(ig[0].until, Some(date("2027-01-31")));
    assert_eq!(ig[0].line, 5);
    assert_eq!(ig[1].ids.len(), 2);
    // Lookups: by any alias, case-insensitive, scoped, expiring.
    let today = date("2026-11-22");
    assert!(
        c.advisory_ignore_for(&["GHSA-5crp-9r3c-p9vr"], "NuGet", "newtonsoft.json", today)
            .is_some()
    );
    assert!(
        c.advisory_ignore_for(&["GHSA-5crp-9r3c-p9vr"], "NuGet", "Other", today)
            .is_none()
    );
    assert!(
        c.advisory_ignore_for(&["X-1", "cve-2021-26701"], "NuGet", "Any", today)
            .is_some()
    );
    assert!(
        c.advisory_ignore_for(
            &["GHSA-5crp-9r3c-p9vr"],
            "NuGet",
            "Newtonsoft.Json",
            date("2027-02-01")
        )
        .is_none()
    );
    assert_eq!(c.expired_advisory_ignores(date("2027-02-01")).len(), 1);
    assert!(c.expired_advisory_ignores(today).is_empty());
    // PyPI names compare after PEP 503 normalization.
    let p = config::parse("p.yaml", "advisories:\n  ignore:\n    - id: PYSEC-1\n      package: Django_Rest.Framework\n      reason: r\n", &[]).expect("valid");
    assert!(
        p.advisory_ignore_for(&["PYSEC-1"], "PyPI", "django-rest-framework", today)
            .is_some()
    );
}

#[test]
fn defaults() {
    let c = config::parse("c.yaml", "version: 1\n", &[]).expect("valid");
    assert_eq!(c.advisories.source, None);
    assert_eq!(c.advisories.max_db_age_days, DEFAULT_MAX_DB_AGE_DAYS);
    assert!(c.advisories.ignores.is_empty());
}

#[test]
fn mistakes_are_reported_with_positions() {
    let e = errors("advisories:\n  ignore:\n    - id: GHSA-1\n");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("c.yaml:3:7: advisory ignore has no reason"),
        "{e:?}"
    );
    let e = errors("advisories:\n  ignore:\n    - reason: r\n");
    assert!(e[0].contains("advisory ignore names no advisory"), "{e:?}");
    let e = errors("advisories:\n  ignore:\n    - id: \"not an id\"\n      reason: r\n");
    assert!(e[0].contains("is not an advisory id"), "{e:?}");
    let e = errors(
        "advisories:\n  ignore:\n    - id: GHSA-1\n      reason: r\n      until: tomorrow\n",
    );
    assert!(e[0].contains("`until` is `tomorrow`"), "{e:?}");
    let e = errors("advisories:\n  max-db-age-days: 0\n");
    assert!(
        e[0].starts_with("c.yaml:2:20: `advisories.max-db-age-days` is the number `0`"),
        "{e:?}"
    );
    let e = errors("advisories:\n  source: [a]\n");
    assert!(e[0].contains("`advisories.source` is a list"), "{e:?}");
    let e = errors("advisories:\n  sorce: offline\n");
    assert!(e[0].contains("did you mean `source`"), "{e:?}");
    let e = errors("advisories:\n  ignore:\n    - id: GHSA-1\n      reason: r\n      packge: x\n");
    assert!(
        e[0].contains("in advisories.ignore entry") && e[0].contains("`package`"),
        "{e:?}"
    );
}

#[test]
fn the_schema_describes_the_section() {
    let schema = json_schema(&["DF114"]);
    let adv = &schema["properties"]["advisories"]["properties"];
    let mut keys: Vec<&str> = adv
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(keys, vec!["ignore", "max-db-age-days", "source"]);
    let mut ik: Vec<&str> = schema["definitions"]["advisoryIgnore"]["properties"]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    ik.sort();
    assert_eq!(ik, vec!["id", "package", "reason", "until"]);
    let validator = jsonschema::draft7::new(&schema).expect("schema compiles");
    let good = serde_json::json!({"advisories": {"source": "offline", "max-db-age-days": 7,
        "ignore": [{"id": "GHSA-5crp-9r3c-p9vr", "package": "Newtonsoft.Json", "reason": "r", "until": "2027-01-31"},
                   {"id": ["CVE-2021-26701"], "reason": "r"}]}});
    assert!(validator.is_valid(&good));
    for bad in [
        serde_json::json!({"advisories": {"ignore": [{"id": "GHSA-1"}]}}),
        serde_json::json!({"advisories": {"ignore": [{"reason": "r"}]}}),
        serde_json::json!({"advisories": {"max-db-age-days": 0}}),
        serde_json::json!({"advisories": {"nope": 1}}),
    ] {
        assert!(!validator.is_valid(&bad), "{bad}");
    }
}
