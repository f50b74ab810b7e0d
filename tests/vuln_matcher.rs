//! The matcher against hand-written OSV fixtures (tests/fixtures/vuln/osv).
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::path::Path;

use portcullis::Span;
use portcullis::sbom::{Component, ComponentType, Ecosystem, Evidence, Scope, VersionSpec};
use portcullis::vuln::matcher::{
    AdvisoryIndex, Match, MatchOptions, MatchStatus, OSV_ECOSYSTEM_PROPERTY, RangePolicy,
    UnknownReason,
};
use portcullis::vuln::osv::{OsvErrorKind, Record, parse_record, parse_record_at};
use portcullis::vuln::severity::{SeverityLabel, SeveritySource};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vuln");

fn records() -> Vec<Record> {
    let dir = Path::new(FIXTURES).join("osv");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            parse_record_at(&p.display().to_string(), &text).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

fn index() -> AdvisoryIndex {
    AdvisoryIndex::build(records())
}

fn component(ecosystem: Ecosystem, name: &str, version: VersionSpec) -> Component {
    Component {
        ecosystem,
        component_type: ComponentType::Library,
        name: name.to_string(),
        namespace: None,
        version,
        scope: Scope::Required,
        direct: true,
        hashes: Vec::new(),
        url: None,
        evidence: vec![Evidence {
            path: "app.csproj".into(),
            span: Span::new(0, 1),
            line: 1,
        }],
        properties: BTreeMap::new(),
    }
}

fn exact(ecosystem: Ecosystem, name: &str, version: &str) -> Component {
    component(ecosystem, name, VersionSpec::Exact(version.to_string()))
}

fn ids(matches: &[Match]) -> Vec<&str> {
    matches.iter().map(|m| m.advisory_id.as_str()).collect()
}

fn one(idx: &AdvisoryIndex, c: &Component) -> Match {
    let m = idx.match_component(c);
    assert_eq!(m.len(), 1, "{} {:?}: {:?}", c.name, c.version, ids(&m));
    m.into_iter().next().unwrap_or_else(|| unreachable!())
}

#[test]
fn fixtures_parse() {
    let all = records();
    assert_eq!(all.len(), 17);
    assert!(all.iter().any(|r| r.is_withdrawn()));
    assert!(all.iter().filter(|r| r.is_malicious()).count() >= 2);
}

#[test]
fn malformed_records_are_typed_errors() {
    let dir = Path::new(FIXTURES).join("malformed");
    for (file, kind, id) in [
        (
            "two-keys-event.json",
            OsvErrorKind::Syntax,
            Some("GHSA-bad1-0000-0000"),
        ),
        ("numeric-id.json", OsvErrorKind::Syntax, None),
        ("truncated.json", OsvErrorKind::Syntax, None),
        ("blank-id.json", OsvErrorKind::Schema, None),
    ] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let err = parse_record_at(file, &text).expect_err(file);
        assert_eq!(err.kind, kind, "{file}");
        assert_eq!(err.id.as_deref(), id, "{file}");
        assert_eq!(err.path.as_deref(), Some(file));
        assert!(err.to_string().starts_with(file), "{err}");
    }
}

#[test]
fn newtonsoft_json_ghsa_and_cve_collapse() {
    let idx = index();
    let m = one(&idx, &exact(Ecosystem::NuGet, "Newtonsoft.Json", "12.0.1"));
    assert_eq!(m.advisory_id, "GHSA-5crp-9r3c-p9vr");
    assert_eq!(m.aliases, vec!["CVE-2024-21907"]);
    assert_eq!(m.fixed, vec!["13.0.1"]);
    assert_eq!(
        m.severity_score.map(|s| s.to_string()).as_deref(),
        Some("7.5")
    );
    assert_eq!(m.severity_label, SeverityLabel::High);
    assert!(matches!(m.severity_source, SeveritySource::Cvss { .. }));
    assert_eq!(m.url, "https://github.com/advisories/GHSA-5crp-9r3c-p9vr");
    assert_eq!(
        m.summary.as_deref(),
        Some("Improper Handling of Exceptional Conditions in Newtonsoft.Json")
    );
    assert_eq!(m.cwe_ids, vec!["CWE-755"]);
    assert!(!m.conservative && !m.malicious);
    assert_eq!(m.affected_ranges, vec!["< 13.0.1"]);

    // Case-insensitive ids, NuGet version spellings.
    for v in ["12.0.1.0", "v12.0.1", "013.0.0", "13.0.1-beta1", "1.0"] {
        assert_eq!(
            ids(&idx.match_component(&exact(Ecosystem::NuGet, "NEWTONSOFT.JSON", v))),
            vec!["GHSA-5crp-9r3c-p9vr"],
            "{v}"
        );
    }
    for v in ["13.0.1", "13.0.1.0", "13.0.3", "13.0.1+build.7"] {
        let r = idx.evaluate(
            &exact(Ecosystem::NuGet, "Newtonsoft.Json", v),
            &MatchOptions::default(),
        );
        assert_eq!(r.status, MatchStatus::Clean, "{v}");
        assert!(r.matches.is_empty());
    }
}

#[test]
fn observed_osv_answers_for_nuget() {
    // Package/version pairs whose OSV answers were recorded (shared/advisories/nuget).
    let idx = index();
    let cases = [
        ("Newtonsoft.Json", "12.0.1", vec!["GHSA-5crp-9r3c-p9vr"]),
        ("Newtonsoft.Json", "13.0.3", vec![]),
        (
            "System.Linq.Dynamic.Core",
            "1.3.7",
            vec!["GHSA-4cv2-4hjh-77rx"],
        ),
        (
            "System.Text.RegularExpressions",
            "4.3.0",
            vec!["GHSA-cmhx-cq75-c4mj"],
        ),
        ("AWSSDK.Core", "3.7.10.6", vec![]),
        ("Microsoft.Extensions.DependencyInjection", "6.0.0", vec![]),
    ];
    for (name, version, want) in cases {
        assert_eq!(
            ids(&idx.match_component(&exact(Ecosystem::NuGet, name, version))),
            want,
            "{name} {version}"
        );
    }
}

#[test]
fn multiple_introduced_fixed_pairs() {
    let idx = index();
    for (v, fixed) in [
        ("2.1.0", Some("2.1.11")),
        ("2.1.10", Some("2.1.11")),
        ("2.2.4", Some("2.2.5")),
        ("2.2.0", Some("2.2.5")),
    ] {
        let m = one(&idx, &exact(Ecosystem::NuGet, "Microsoft.NETCore.App", v));
        assert_eq!(m.fixed, fixed.into_iter().collect::<Vec<_>>(), "{v}");
    }
    for v in ["2.0.9", "2.1.11", "2.1.30", "2.2.5", "3.0.0"] {
        assert!(
            idx.match_component(&exact(Ecosystem::NuGet, "Microsoft.NETCore.App", v))
                .is_empty(),
            "{v}"
        );
    }
    let m = one(
        &idx,
        &exact(Ecosystem::NuGet, "System.Text.RegularExpressions", "4.3.0"),
    );
    assert_eq!(m.fixed, vec!["4.3.1"]);
}

#[test]
fn two_advisories_on_one_package_sorted_by_severity() {
    let idx = index();
    let both = idx.match_component(&exact(
        Ecosystem::NuGet,
        "System.Linq.Dynamic.Core",
        "1.2.25",
    ));
    assert_eq!(
        ids(&both),
        vec!["GHSA-w65q-jcmv-28gj", "GHSA-4cv2-4hjh-77rx"]
    );
    assert_eq!(both[0].severity_score.map(|s| s.tenths()), Some(98));
    // Label-only severity: HIGH maps to 8.0.
    assert_eq!(both[1].severity_score.map(|s| s.tenths()), Some(80));
    assert_eq!(
        both[1].severity_source,
        SeveritySource::Ghsa {
            label: "HIGH".into()
        }
    );

    // Four-part introduced bound 1.0.7.10.
    assert_eq!(
        ids(&idx.match_component(&exact(
            Ecosystem::NuGet,
            "System.Linq.Dynamic.Core",
            "1.0.7.9"
        ))),
        vec!["GHSA-4cv2-4hjh-77rx"]
    );
    assert_eq!(
        idx.match_component(&exact(
            Ecosystem::NuGet,
            "System.Linq.Dynamic.Core",
            "1.0.7.10"
        ))
        .len(),
        2
    );
    assert!(
        idx.match_component(&exact(
            Ecosystem::NuGet,
            "System.Linq.Dynamic.Core",
            "1.6.0"
        ))
        .is_empty()
    );
}

#[test]
fn malicious_packages() {
    let idx = index();
    for v in ["0.0.1", "1.0.0", "99.0.0-beta"] {
        let m = one(&idx, &exact(Ecosystem::NuGet, "coinbase.core", v));
        assert!(m.malicious);
        assert_eq!(m.severity_score.map(|s| s.tenths()), Some(100));
        assert_eq!(m.severity_label, SeverityLabel::Critical);
        assert_eq!(m.severity_source, SeveritySource::Malicious);
        assert!(m.fixed.is_empty());
        assert_eq!(
            m.url,
            "https://osv.dev/vulnerability/MAL-0000-fixture-coinbase-core"
        );
    }
    // Malicious through a MAL- alias; RUSTSEC stays the preferred id for crates.io.
    let m = one(&idx, &exact(Ecosystem::Cargo, "rustdecimal", "1.23.1"));
    assert_eq!(m.advisory_id, "RUSTSEC-2022-0042");
    assert_eq!(m.aliases, vec!["GHSA-7pwq-f4pq-78gm", "MAL-2022-1"]);
    assert!(m.malicious);
    assert_eq!(
        m.url,
        "https://rustsec.org/advisories/RUSTSEC-2022-0042.html"
    );
}

#[test]
fn withdrawn_records_never_match() {
    let idx = index();
    let r = idx.evaluate(
        &exact(Ecosystem::Cargo, "dirs", "1.0.5"),
        &MatchOptions::default(),
    );
    assert_eq!(r.status, MatchStatus::Clean);
    assert!(r.matches.is_empty());
    assert_eq!(r.withdrawn_skipped, vec!["RUSTSEC-2020-0053"]);
    assert_eq!(idx.stats().withdrawn, 1);
    assert!(!idx.has_package("crates.io", "dirs"));
}

#[test]
fn informational_advisories_are_marked() {
    let idx = index();
    let m = one(&idx, &exact(Ecosystem::Cargo, "ansi_term", "0.12.1"));
    assert_eq!(m.informational.as_deref(), Some("unmaintained"));
    assert_eq!(m.severity_label, SeverityLabel::Unknown);
    assert_eq!(m.severity_score, None);
    // crates.io names: `_` and `-` are the same crate.
    assert_eq!(
        ids(&idx.match_component(&exact(Ecosystem::Cargo, "ansi-term", "0.12.1"))),
        vec!["RUSTSEC-2021-0139"]
    );
}

#[test]
fn semver_range_and_preferred_rustsec_id() {
    let idx = index();
    let m = one(&idx, &exact(Ecosystem::Cargo, "openssl", "0.8.3"));
    assert_eq!(m.advisory_id, "RUSTSEC-2016-0001");
    assert_eq!(m.aliases, vec!["CVE-2016-10931", "GHSA-34p9-f4q3-c4r7"]);
    assert_eq!(m.fixed, vec!["0.9.0"]);
    assert_eq!(m.severity_score.map(|s| s.tenths()), Some(81));
    assert!(matches!(&m.severity_source, SeveritySource::Cvss { version, .. } if version == "3.0"));
    assert_eq!(m.cwe_ids, vec!["CWE-295"]);
    // Prereleases of the fix are still affected; the fix and later are not.
    assert_eq!(
        ids(&idx.match_component(&exact(Ecosystem::Cargo, "openssl", "0.9.0-rc.1"))),
        vec!["RUSTSEC-2016-0001"]
    );
    assert!(
        idx.match_component(&exact(Ecosystem::Cargo, "openssl", "0.9.0"))
            .is_empty()
    );
    assert!(
        idx.match_component(&exact(Ecosystem::Cargo, "openssl", "0.10.55"))
            .is_empty()
    );
}

#[test]
fn pypi_last_affected_and_versions_list() {
    let idx = index();
    for v in ["1.11.0", "1.4.7.dev3", "0.8.0a2", "1.11.0+local.1", "1.0"] {
        let m = one(&idx, &exact(Ecosystem::PyPI, "Py", v));
        assert_eq!(m.advisory_id, "PYSEC-2022-42969", "{v}");
        assert!(m.fixed.is_empty());
    }
    assert!(
        idx.match_component(&exact(Ecosystem::PyPI, "py", "1.11.1"))
            .is_empty()
    );
    // Listed non-canonical spelling matches its canonical form.
    let m = one(&idx, &exact(Ecosystem::PyPI, "py", "0.8.0-alpha2"));
    assert!(
        m.affected_ranges
            .iter()
            .any(|r| r == "listed version 0.8.0-alpha2")
    );
    assert!(m.affected_ranges.iter().any(|r| r == "<= 1.11.0"));

    let m = one(&idx, &exact(Ecosystem::PyPI, "Requests", "2.30.0"));
    assert_eq!(
        (m.advisory_id.as_str(), m.fixed.clone()),
        ("GHSA-j8r2-6x86-q33q", vec!["2.31.0".to_string()])
    );
    assert_eq!(m.severity_label, SeverityLabel::Medium);
    assert!(
        idx.match_component(&exact(Ecosystem::PyPI, "requests", "2.31.0"))
            .is_empty()
    );
    assert!(
        idx.match_component(&exact(Ecosystem::PyPI, "requests", "2.2.1"))
            .is_empty()
    );
    assert_eq!(
        ids(&idx.match_component(&exact(Ecosystem::PyPI, "requests", "2.31.0rc1"))),
        vec!["GHSA-j8r2-6x86-q33q"]
    );
}

#[test]
fn versions_only_records() {
    let idx = index();
    assert_eq!(
        ids(&idx.match_component(&exact(Ecosystem::Npm, "event-stream", "3.3.6"))),
        vec!["GHSA-mh6f-8j2x-4483"]
    );
    assert_eq!(
        ids(&idx.match_component(&exact(Ecosystem::Npm, "flatmap-stream", "0.1.1"))),
        vec!["GHSA-mh6f-8j2x-4483"]
    );
    assert!(
        idx.match_component(&exact(Ecosystem::Npm, "event-stream", "3.3.5"))
            .is_empty()
    );
    assert!(
        idx.match_component(&exact(Ecosystem::Npm, "event-stream", "4.0.0"))
            .is_empty()
    );
}

#[test]
fn go_pseudo_versions() {
    let idx = index();
    for v in [
        "v0.3.6",
        "v0.0.0-20210226181525-4d5e1e1ff2d2",
        "v0.3.7-0.20210503195748-5c7c50ebbd4f",
        "0.3.0",
    ] {
        let m = one(&idx, &exact(Ecosystem::Go, "golang.org/x/text", v));
        assert_eq!(m.advisory_id, "GO-2021-0113", "{v}");
        assert_eq!(m.fixed, vec!["0.3.7"]);
    }
    for v in ["v0.3.7", "v0.3.8", "v0.14.0"] {
        assert!(
            idx.match_component(&exact(Ecosystem::Go, "golang.org/x/text", v))
                .is_empty(),
            "{v}"
        );
    }
}

#[test]
fn limit_events_and_git_ranges() {
    let idx = index();
    for (v, affected) in [
        ("0.9.0", false),
        ("1.0.0", true),
        ("1.4.9", true),
        ("1.5.0", false),
        ("2.0.0", false),
        ("3.0.0", true),
        ("9.9.9", true),
    ] {
        assert_eq!(
            !idx.match_component(&exact(Ecosystem::Npm, "limit-example", v))
                .is_empty(),
            affected,
            "{v}"
        );
    }
}

#[test]
fn manifest_ranges_resolver_policy() {
    let idx = index();
    let range = |name: &str, eco, s: &str| component(eco, name, VersionSpec::Range(s.into()));
    let float = |name: &str, eco, s: &str| component(eco, name, VersionSpec::Floating(s.into()));

    // NuGet bracket ranges restore their lowest version.
    let m = one(
        &idx,
        &range("Newtonsoft.Json", Ecosystem::NuGet, "[12.0.1,14.0.0)"),
    );
    assert!(m.conservative);
    assert_eq!(m.fixed, vec!["13.0.1"]);
    assert!(
        idx.match_component(&range("Newtonsoft.Json", Ecosystem::NuGet, "[13.0.1,)"))
            .is_empty()
    );
    // Minimum-version notation.
    assert!(one(&idx, &range("Newtonsoft.Json", Ecosystem::NuGet, "12.0.3")).conservative);
    // No inclusive minimum: any admitted version counts.
    assert!(
        one(
            &idx,
            &range("Newtonsoft.Json", Ecosystem::NuGet, "(,13.0.1)")
        )
        .conservative
    );
    assert!(
        one(
            &idx,
            &range("Newtonsoft.Json", Ecosystem::NuGet, "(13.0.0,13.0.2)")
        )
        .conservative
    );

    // Floating versions resolve to the newest: affected only when the fix is above the float.
    assert!(
        idx.match_component(&float("Newtonsoft.Json", Ecosystem::NuGet, "13.*"))
            .is_empty()
    );
    assert!(one(&idx, &float("Newtonsoft.Json", Ecosystem::NuGet, "12.*")).conservative);
    assert!(
        one(
            &idx,
            &float("Newtonsoft.Json", Ecosystem::NuGet, "13.0.0-*")
        )
        .conservative
    );
    assert!(
        one(&idx, &float("Coinbase.Core", Ecosystem::NuGet, "*")).malicious,
        "unfixed advisories reach every float"
    );

    // npm / Cargo / pip ranges resolve to the newest admitted version too.
    assert!(
        idx.match_component(&range("lodash", Ecosystem::Npm, "^4.17.15"))
            .is_empty()
    );
    assert!(
        idx.match_component(&range("lodash", Ecosystem::Npm, "~4.17.15"))
            .is_empty()
    );
    assert!(one(&idx, &range("lodash", Ecosystem::Npm, "<4.17.21")).conservative);
    assert!(one(&idx, &range("lodash", Ecosystem::Npm, "4.17.20 || 3.x")).conservative);
    assert!(one(&idx, &range("openssl", Ecosystem::Cargo, "0.8")).conservative);
    assert!(
        idx.match_component(&range("openssl", Ecosystem::Cargo, "0.10"))
            .is_empty()
    );
    assert!(one(&idx, &range("requests", Ecosystem::PyPI, ">=2.0,<2.31")).conservative);
    assert!(
        idx.match_component(&range("requests", Ecosystem::PyPI, ">=2.0"))
            .is_empty()
    );
    assert!(
        one(&idx, &range("py", Ecosystem::PyPI, ">=1.4")).conservative,
        "no fix: the newest is affected"
    );
    assert!(one(&idx, &float("limit-example", Ecosystem::Npm, "latest")).conservative);
}

#[test]
fn manifest_ranges_any_admitted_policy() {
    let idx = index();
    let opts = MatchOptions {
        range_policy: RangePolicy::AnyAdmitted,
    };
    let eval = |c: &Component| idx.evaluate(c, &opts);
    let r = eval(&component(
        Ecosystem::NuGet,
        "Newtonsoft.Json",
        VersionSpec::Floating("13.*".into()),
    ));
    assert_eq!(ids(&r.matches), vec!["GHSA-5crp-9r3c-p9vr"]);
    assert!(r.matches[0].conservative);
    let r = eval(&component(
        Ecosystem::Npm,
        "lodash",
        VersionSpec::Range("^4.17.15".into()),
    ));
    assert_eq!(ids(&r.matches), vec!["GHSA-35jh-r3h4-6jhm"]);
    let r = eval(&component(
        Ecosystem::NuGet,
        "Newtonsoft.Json",
        VersionSpec::Range("[13.0.1,)".into()),
    ));
    assert!(r.matches.is_empty());
    let r = eval(&component(
        Ecosystem::Npm,
        "event-stream",
        VersionSpec::Range("^3.3.0".into()),
    ));
    assert_eq!(
        ids(&r.matches),
        vec!["GHSA-mh6f-8j2x-4483"],
        "a listed version inside the range"
    );
}

#[test]
fn unknown_and_not_covered() {
    let idx = index();
    let opts = MatchOptions::default();
    let status = |c: Component| idx.evaluate(&c, &opts).status;
    assert_eq!(
        status(component(
            Ecosystem::NuGet,
            "Newtonsoft.Json",
            VersionSpec::Unpinned
        )),
        MatchStatus::Unknown(UnknownReason::Unpinned)
    );
    assert_eq!(
        status(exact(Ecosystem::Chocolatey, "git", "2.47.0")),
        MatchStatus::NotCovered
    );
    assert_eq!(
        status(exact(Ecosystem::NuGet, "Newtonsoft.Json", "$(JsonVersion)")),
        MatchStatus::Unknown(UnknownReason::UnparseableVersion)
    );
    assert_eq!(
        status(component(
            Ecosystem::NuGet,
            "Newtonsoft.Json",
            VersionSpec::Range("[garbage".into())
        )),
        MatchStatus::Unknown(UnknownReason::UnsupportedRange)
    );
    assert_eq!(
        status(component(
            Ecosystem::Go,
            "golang.org/x/text",
            VersionSpec::Range(">= v0.3".into())
        )),
        MatchStatus::Unknown(UnknownReason::UnsupportedRange)
    );
    // No advisories for the package: clean whatever the version says.
    assert_eq!(
        status(exact(Ecosystem::NuGet, "Some.Other.Package", "$(X)")),
        MatchStatus::Clean
    );
    assert_eq!(
        status(component(
            Ecosystem::NuGet,
            "Some.Other.Package",
            VersionSpec::Range("[garbage".into())
        )),
        MatchStatus::Clean
    );
}

#[test]
fn batch_summary_and_deterministic_output() {
    let idx = index();
    let comps = vec![
        exact(Ecosystem::NuGet, "Newtonsoft.Json", "12.0.1"),
        exact(Ecosystem::NuGet, "Newtonsoft.Json", "13.0.3"),
        exact(Ecosystem::NuGet, "System.Linq.Dynamic.Core", "1.2.25"),
        exact(Ecosystem::NuGet, "Coinbase.Core", "1.0.0"),
        component(
            Ecosystem::NuGet,
            "Newtonsoft.Json",
            VersionSpec::Floating("12.*".into()),
        ),
        component(Ecosystem::PyPI, "requests", VersionSpec::Unpinned),
        exact(Ecosystem::Chocolatey, "7zip", "23.1.0"),
    ];
    let a = idx.match_components(&comps, &MatchOptions::default());
    let s = a.summary;
    assert_eq!(
        (
            s.components,
            s.vulnerable,
            s.clean,
            s.unknown,
            s.not_covered
        ),
        (7, 4, 1, 1, 1)
    );
    assert_eq!((s.matches, s.malicious, s.conservative), (5, 1, 1));
    let b = AdvisoryIndex::build(records().into_iter().rev())
        .match_components(&comps, &MatchOptions::default());
    let json = |x| serde_json::to_string(x).unwrap_or_default();
    assert_eq!(
        json(&a),
        json(&b),
        "insertion order must not leak into results"
    );
}

#[test]
fn newer_copy_of_a_record_replaces_the_older() {
    let old = r#"{"id":"GHSA-test-0000-0001","modified":"2024-01-01T00:00:00Z",
        "affected":[{"package":{"ecosystem":"NuGet","name":"Pkg"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0"}]}]}]}"#;
    let new = old
        .replace("2024-01-01", "2024-06-01")
        .replace(r#""fixed":"2.0""#, r#""fixed":"1.5""#);
    let parse = |s: &str| parse_record(s).unwrap_or_else(|e| panic!("{e}"));
    for order in [vec![parse(old), parse(&new)], vec![parse(&new), parse(old)]] {
        let idx = AdvisoryIndex::build(order);
        assert!(
            idx.match_component(&exact(Ecosystem::NuGet, "Pkg", "1.7"))
                .is_empty()
        );
        assert_eq!(
            ids(&idx.match_component(&exact(Ecosystem::NuGet, "Pkg", "1.2"))),
            vec!["GHSA-test-0000-0001"]
        );
        assert_eq!(idx.stats().records, 1);
        assert_eq!(idx.stats().superseded, 1);
    }
}

#[test]
fn distribution_release_filter() {
    let rec = |id: &str, eco: &str, fixed: &str| {
        parse_record(&format!(
            r#"{{"id":"{id}","affected":[{{"package":{{"ecosystem":"{eco}","name":"openssl"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"{fixed}"}}]}}]}}]}}"#
        ))
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let idx = AdvisoryIndex::build([
        rec("DSA-1", "Debian:11", "1.1.1n-0+deb11u4"),
        rec("DSA-2", "Debian:12", "3.0.11-1~deb12u2"),
    ]);
    let mut c = exact(Ecosystem::Debian, "openssl", "3.0.9-1");
    assert_eq!(
        ids(&idx.match_component(&c)),
        vec!["DSA-2"],
        "without the release both apply; only DSA-2's fix is above 3.0.9-1"
    );
    c.version = VersionSpec::Exact("1.1.1n-0+deb11u3".into());
    assert_eq!(ids(&idx.match_component(&c)), vec!["DSA-1", "DSA-2"]);
    c.properties
        .insert(OSV_ECOSYSTEM_PROPERTY.into(), "Debian:11".into());
    assert_eq!(ids(&idx.match_component(&c)), vec!["DSA-1"]);
}

#[test]
fn unparseable_bounds_warn_and_stay_conservative() {
    let rec = parse_record(
        r#"{"id":"GHSA-warn-0000-0001","affected":[{"package":{"ecosystem":"NuGet","name":"Pkg"},
            "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"not-a-version"},{"fixed":"also bad"}]}]}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let idx = AdvisoryIndex::build([rec]);
    assert_eq!(idx.warnings().len(), 2);
    assert_eq!(
        ids(&idx.match_component(&exact(Ecosystem::NuGet, "Pkg", "9.9.9"))),
        vec!["GHSA-warn-0000-0001"]
    );
}
