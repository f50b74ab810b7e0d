//! Every example in every rule document runs as a test: a `bad` example must fire at its marked
//! lines (```` ```dockerfile bad lines=3 ````), a `good` example must not fire. Every fix a bad
//! example's finding carries is applied, and the fixed text must lose that finding without
//! gaining a parse error.
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use portcullis::baseimage::resolved::{ResolvedImage, Signature};
use portcullis::config::Config;
use portcullis::engine::{enabled_rules, lint_file};
use portcullis::lint::FileContext;
use portcullis::lint::meta::parse_rule_doc;
use portcullis::lint::registry;
use portcullis::{Date, SourceFile};

fn docs() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root).expect("rules/ exists") {
        let entry = entry.expect("dir entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("DF") && name.ends_with(".md") {
            out.push((
                name,
                std::fs::read_to_string(entry.path()).expect("readable"),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn every_rule_doc_example_holds() {
    let today = Date::new(2026, 11, 22).expect("valid date");
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut fixed_rules = std::collections::BTreeSet::new();
    for (name, text) in docs() {
        let doc = match parse_rule_doc(&text) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("rules/{name}: {e}"));
                continue;
            }
        };
        let id = doc.front.id.clone();
        if registry::find(&id).is_none() {
            failures.push(format!(
                "rules/{name}: {id} is not in the registry (run `cargo xtask generate`)"
            ));
            continue;
        }
        let bad = doc.examples.iter().filter(|e| e.bad).count();
        let good = doc.examples.len() - bad;
        if bad == 0 || good == 0 {
            failures.push(format!(
                "rules/{name}: needs at least one bad and one good example ({bad} bad, {good} good)"
            ));
        }
        for ex in &doc.examples {
            checked += 1;
            let attr = |k: &str| {
                ex.attrs
                    .iter()
                    .find(|(a, _)| a == k)
                    .map(|(_, v)| v.as_str())
            };
            let path = attr("path").unwrap_or("Dockerfile");
            let ctx = FileContext {
                has_dockerignore: match attr("dockerignore") {
                    Some("false") => Some(false),
                    Some("unknown") => None,
                    _ => Some(true),
                },
                resolved: attr("resolve")
                    .and_then(|r| {
                        let mut it = r.split('|');
                        let (name, digest, sig) = (it.next()?, it.next()?, it.next()?);
                        let signature = match sig {
                            "unsigned" => Signature::Unsigned,
                            "signed" => Signature::Signed("cosign".into()),
                            _ => Signature::NotChecked,
                        };
                        Some(
                            [(
                                name.to_string(),
                                ResolvedImage {
                                    digest: digest.to_string(),
                                    signature,
                                },
                            )]
                            .into_iter()
                            .collect(),
                        )
                    })
                    .unwrap_or_default(),
            };
            let mut config = Config {
                target: attr("target").map(str::to_string),
                ..Config::default()
            };
            config.images.require_digest = attr("require-digest") == Some("true");
            config.images.require_signature = attr("require-signature") == Some("true");
            config.images.windows_hosts = attr("windows-hosts")
                .map(|h| h.split(',').map(str::to_string).collect())
                .unwrap_or_default();
            let file = SourceFile::new(path, ex.code.clone());
            let rules = enabled_rules(&config);
            let (findings, _) = lint_file(&file, &config, &config.images, &rules, &ctx, today);
            let hits: Vec<usize> = findings
                .iter()
                .filter(|f| f.rule == id && !f.is_suppressed())
                .map(|f| f.location.region.start.line)
                .collect();
            let all: Vec<String> = findings
                .iter()
                .map(|f| {
                    format!(
                        "  {}:{} {} {}",
                        f.location.region.start.line,
                        f.location.region.start.column,
                        f.rule,
                        f.message
                    )
                })
                .collect();
            let problem = if ex.bad {
                let mut want = ex.lines.clone();
                want.sort_unstable();
                want.dedup();
                let mut got = hits.clone();
                got.sort_unstable();
                got.dedup();
                if hits.is_empty() {
                    Some("bad example did not fire".to_string())
                } else if !want.is_empty() && want != got {
                    Some(format!(
                        "bad example fired at lines {got:?}, expected {want:?}"
                    ))
                } else {
                    None
                }
            } else if !hits.is_empty() {
                Some(format!("good example fired at lines {hits:?}"))
            } else {
                None
            };
            if ex.bad {
                let count = |fs: &[portcullis::Finding], rule: &str| {
                    fs.iter()
                        .filter(|f| f.rule == rule && !f.is_suppressed())
                        .count()
                };
                for f in findings
                    .iter()
                    .filter(|f| f.rule == id && !f.is_suppressed())
                {
                    let Some(fix) = &f.fix else { continue };
                    let code = &ex.code;
                    let Some(applied) = code.get(..fix.span.start).and_then(|a| {
                        Some(format!(
                            "{a}{}{}",
                            fix.replacement,
                            code.get(fix.span.end..)?
                        ))
                    }) else {
                        failures.push(format!(
                            "rules/{name}:{}: fix span {:?} is not inside the example",
                            ex.doc_line, fix.span
                        ));
                        continue;
                    };
                    fixed_rules.insert(id.clone());
                    let file = SourceFile::new(path, applied.clone());
                    let (after, _) = lint_file(&file, &config, &config.images, &rules, &ctx, today);
                    let parse_errors = |fs: &[portcullis::Finding]| {
                        count(fs, "DF100") + count(fs, "DF101") + count(fs, "DF102")
                    };
                    if count(&after, &id) >= count(&findings, &id)
                        || parse_errors(&after) > parse_errors(&findings)
                    {
                        failures.push(format!(
                            "rules/{name}:{}: the fix `{}` does not remove the finding cleanly\n--- fixed ---\n{applied}",
                            ex.doc_line, fix.description
                        ));
                    }
                }
            }
            if let Some(p) = problem {
                failures.push(format!(
                    "rules/{name}:{}: {p}\n--- example ---\n{}--- all findings ---\n{}",
                    ex.doc_line,
                    ex.code,
                    all.join("\n")
                ));
            }
        }
    }
    // The rules known to offer fixes must show one in their own examples.
    for id in ["DF103", "DF110", "DF111", "DF123", "DF402", "DF404"] {
        if !fixed_rules.contains(id) {
            failures.push(format!("no bad example of {id} exercised its fix"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} examples failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
