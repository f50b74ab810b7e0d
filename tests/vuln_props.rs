//! Property tests: nothing in the SCA core panics on arbitrary input, and every version ordering
//! is a total order (antisymmetric, transitive, consistent with equality) on generated versions.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use portcullis::Span;
use portcullis::sbom::{Component, ComponentType, Ecosystem, Evidence, Scope, VersionSpec};
use portcullis::vuln::cvss;
use portcullis::vuln::matcher::{AdvisoryIndex, MatchOptions, RangePolicy};
use portcullis::vuln::osv::{parse_record, parse_records};
use portcullis::vuln::version::{AnyVersion, Scheme, nuget, parse, pep440, semver_req};
use proptest::prelude::*;

const SCHEMES: [Scheme; 6] = [
    Scheme::NuGet,
    Scheme::SemVer,
    Scheme::Pep440,
    Scheme::Go,
    Scheme::Debian,
    Scheme::Alpine,
];

fn generator(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::NuGet => {
            "v?(0|[0-9]{1,3}|0[0-9])(\\.[0-9]{1,2}){0,3}(-(alpha|BETA|rc|[0-9]{1,2}|x-y)(\\.(1|02|a|B)){0,2})?(\\+m[0-9])?"
        }
        Scheme::SemVer => {
            "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}(-(alpha|Beta|rc|[0-9]{1,2}|0a)(\\.(1|2|a|b-c)){0,2})?(\\+b[0-9])?"
        }
        Scheme::Pep440 => {
            "([1-2]!)?[0-9]{1,2}(\\.[0-9]{1,2}){0,2}((a|b|rc|alpha|c|pre)[0-9]?)?(\\.post[0-9]|-[0-9])?(\\.dev[0-9]?)?(\\+(ab|[0-9]{1,2})(\\.(x|[0-9]))?)?"
        }
        Scheme::Go => {
            "v[0-9]{1,2}\\.[0-9]{1,2}\\.[0-9]{1,2}(-(pre|0|rc\\.1)(\\.0\\.2019[0-9]{10}-[0-9a-f]{12})?)?(\\+incompatible)?"
        }
        Scheme::Debian => {
            "([0-2]:)?[0-9]{1,2}(\\.[0-9a-z]{1,2}){0,2}(~[a-z0-9]{0,3})?(\\+[a-z0-9]{1,3})?(-[0-9a-z~+.]{1,4})?"
        }
        Scheme::Alpine => {
            "[0-9]{1,2}(\\.(0|0[0-9]|[1-9][0-9]?)){0,2}[a-c]?(_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]?){0,2}(~[0-9a-f]{1,4})?(-r[0-9]{1,2})?"
        }
    }
}

fn strategy(scheme: Scheme) -> impl Strategy<Value = String> {
    proptest::string::string_regex(generator(scheme)).unwrap_or_else(|e| panic!("{scheme}: {e}"))
}

fn parsed(scheme: Scheme, s: &str) -> AnyVersion {
    parse(scheme, s).unwrap_or_else(|e| panic!("{scheme}: generated {s:?} does not parse: {e}"))
}

fn cmp(a: &AnyVersion, b: &AnyVersion) -> Ordering {
    a.compare(b)
        .unwrap_or_else(|| panic!("same-scheme comparison returned None"))
}

fn check_total_order(scheme: Scheme, a: &str, b: &str, c: &str) {
    let (x, y, z) = (parsed(scheme, a), parsed(scheme, b), parsed(scheme, c));
    assert_eq!(cmp(&x, &x), Ordering::Equal, "{scheme}: reflexive {a}");
    assert_eq!(
        cmp(&x, &y),
        cmp(&y, &x).reverse(),
        "{scheme}: antisymmetric {a} {b}"
    );
    // Sort the three and check every pair agrees with the sorted order (transitivity).
    let mut v = [(x, a), (y, b), (z, c)];
    v.sort_by(|p, q| cmp(&p.0, &q.0));
    for i in 0..3 {
        for j in i + 1..3 {
            assert_ne!(
                cmp(&v[i].0, &v[j].0),
                Ordering::Greater,
                "{scheme}: transitive {} {}",
                v[i].1,
                v[j].1
            );
        }
    }
    if cmp(&v[0].0, &v[1].0) == Ordering::Equal && cmp(&v[1].0, &v[2].0) == Ordering::Equal {
        assert_eq!(
            cmp(&v[0].0, &v[2].0),
            Ordering::Equal,
            "{scheme}: equality is transitive"
        );
    }
}

fn component(eco: Ecosystem, version: VersionSpec) -> Component {
    Component {
        ecosystem: eco,
        component_type: ComponentType::Library,
        name: "Pkg".into(),
        namespace: None,
        version,
        scope: Scope::Required,
        direct: true,
        hashes: Vec::new(),
        url: None,
        evidence: vec![Evidence {
            path: "x".into(),
            span: Span::new(0, 0),
            line: 1,
        }],
        properties: BTreeMap::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn nuget_total_order(a in strategy(Scheme::NuGet), b in strategy(Scheme::NuGet), c in strategy(Scheme::NuGet)) {
        check_total_order(Scheme::NuGet, &a, &b, &c);
        // Normalization is idempotent and keeps the version.
        let n = nuget::normalize(&a).unwrap_or_default();
        prop_assert_eq!(nuget::normalize(&n).unwrap_or_default(), n.clone());
        prop_assert_eq!(cmp(&parsed(Scheme::NuGet, &n), &parsed(Scheme::NuGet, &a)), Ordering::Equal);
    }

    #[test]
    fn semver_total_order(a in strategy(Scheme::SemVer), b in strategy(Scheme::SemVer), c in strategy(Scheme::SemVer)) {
        check_total_order(Scheme::SemVer, &a, &b, &c);
    }

    #[test]
    fn pep440_total_order(a in strategy(Scheme::Pep440), b in strategy(Scheme::Pep440), c in strategy(Scheme::Pep440)) {
        check_total_order(Scheme::Pep440, &a, &b, &c);
        let n = pep440::normalize(&a).unwrap_or_default();
        prop_assert_eq!(pep440::normalize(&n).unwrap_or_default(), n.clone());
        prop_assert_eq!(cmp(&parsed(Scheme::Pep440, &n), &parsed(Scheme::Pep440, &a)), Ordering::Equal);
    }

    #[test]
    fn go_total_order(a in strategy(Scheme::Go), b in strategy(Scheme::Go), c in strategy(Scheme::Go)) {
        check_total_order(Scheme::Go, &a, &b, &c);
    }

    #[test]
    fn debian_total_order(a in strategy(Scheme::Debian), b in strategy(Scheme::Debian), c in strategy(Scheme::Debian)) {
        check_total_order(Scheme::Debian, &a, &b, &c);
    }

    #[test]
    fn alpine_total_order(a in strategy(Scheme::Alpine), b in strategy(Scheme::Alpine), c in strategy(Scheme::Alpine)) {
        check_total_order(Scheme::Alpine, &a, &b, &c);
    }

    #[test]
    fn no_panics_on_arbitrary_strings(s in "\\PC{0,40}", t in "[0-9.vV+~:_!*,<>=^ |()\\[\\]a-zA-Z-]{0,30}") {
        for scheme in SCHEMES {
            let _ = parse(scheme, &s);
            let _ = parse(scheme, &t);
        }
        let _ = nuget::Range::parse(&s);
        let _ = nuget::Range::parse(&t);
        let _ = pep440::SpecifierSet::parse(&t);
        let _ = semver_req::parse_npm(&t);
        let _ = semver_req::parse_cargo(&t);
        let _ = cvss::score_vector(&s);
        let _ = cvss::score_vector(&t);
        let _ = parse_record(&s);
        let _ = parse_records("x", &t);
    }

    #[test]
    fn no_panics_in_the_matcher(events in proptest::collection::vec(("(introduced|fixed|last_affected|limit)", "[0-9.a-z*+~-]{0,8}"), 0..6),
                                version in "[0-9.a-zA-Z*+~\\[\\](),^<>= -]{0,14}",
                                eco in 0usize..5) {
        let (osv, ecosystem) = [("NuGet", Ecosystem::NuGet), ("PyPI", Ecosystem::PyPI), ("npm", Ecosystem::Npm), ("crates.io", Ecosystem::Cargo), ("Go", Ecosystem::Go)][eco];
        let evs: Vec<String> = events.iter().map(|(k, v)| format!(r#"{{"{k}": {}}}"#, serde_json::to_string(v).unwrap_or_default())).collect();
        let json = format!(
            r#"{{"id":"X-1","affected":[{{"package":{{"ecosystem":"{osv}","name":"pkg"}},"ranges":[{{"type":"ECOSYSTEM","events":[{}]}},{{"type":"SEMVER","events":[{}]}}],"versions":[{}]}}]}}"#,
            evs.join(","), evs.join(","), serde_json::to_string(&version).unwrap_or_default()
        );
        if let Ok(record) = parse_record(&json) {
            let idx = AdvisoryIndex::build([record]);
            for spec in [VersionSpec::Exact(version.clone()), VersionSpec::Range(version.clone()), VersionSpec::Floating(version.clone())] {
                for policy in [RangePolicy::Resolver, RangePolicy::AnyAdmitted] {
                    let _ = idx.evaluate(&component(ecosystem, spec.clone()), &MatchOptions { range_policy: policy });
                }
            }
        }
    }
}

#[test]
fn deep_json_does_not_overflow() {
    let deep = format!(
        r#"{{"id":"X","database_specific":{}{}}}"#,
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    assert!(parse_record(&deep).is_err());
    let (ok, errors) = parse_records("deep.json", &"[".repeat(200_000));
    assert!(ok.is_empty() && errors.len() == 1);
}
