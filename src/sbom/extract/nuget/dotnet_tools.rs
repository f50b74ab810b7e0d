//! `.config/dotnet-tools.json` (local tool manifest): every tool is a NuGet package restored by
//! `dotnet tool restore` and run at build time.

use crate::finding::Severity;
use crate::sbom::extract::{ExtractContext, file_name};
use crate::sbom::model::{Extracted, Scope, VersionSpec};
use crate::source::{SourceFile, Span};

use super::json;
use super::{Builder, apply_resolved, load_json, nuget};

pub fn wants(path: &str) -> bool {
    file_name(path).eq_ignore_ascii_case("dotnet-tools.json")
}

pub fn extract(file: &SourceFile, _cx: &ExtractContext<'_>) -> Extracted {
    let mut b = Builder::new();
    // The .NET reader accepts comments and trailing commas.
    let relaxed = json::relax(&file.text);
    let text = relaxed.as_str();
    let Some(top) = load_json(&mut b, file, text) else {
        return b.finish();
    };
    let Some(tools_entry) = json::get(&top, "tools") else {
        b.diag(
            file,
            Severity::Warning,
            Span::empty(0),
            "tool manifest without a \"tools\" object",
        );
        return b.finish();
    };
    let Some(tools) = json::object(text, tools_entry.value) else {
        b.diag(
            file,
            Severity::Warning,
            tools_entry.key_span,
            "\"tools\" is not an object",
        );
        return b.finish();
    };
    for t in tools {
        let body = json::object(text, t.value).unwrap_or_default();
        let mut c = nuget(&t.key, VersionSpec::Unpinned);
        match json::get(&body, "version").map(|v| (v, json::string(v.value))) {
            Some((v, Some(s))) => {
                apply_resolved(&mut b, file, json::span(text, v.value), &s, &mut c)
            }
            Some((v, None)) => b.diag(
                file,
                Severity::Warning,
                json::span(text, v.value),
                format!("{}: \"version\" is not a string", t.key),
            ),
            None => b.diag(
                file,
                Severity::Warning,
                t.key_span,
                format!("{}: tool without a version", t.key),
            ),
        }
        c.direct = true;
        c.scope = Scope::Optional;
        c.properties.insert("dotnetTool".into(), "true".into());
        let commands: Vec<String> = json::get(&body, "commands")
            .and_then(|c| json::array(c.value))
            .unwrap_or_default()
            .into_iter()
            .filter_map(json::string)
            .collect();
        if !commands.is_empty() {
            c.properties.insert("commands".into(), commands.join(","));
        }
        c.evidence.push(b.evidence(file, t.key_span));
        let key = b.add(c);
        b.edge(None, key);
    }
    b.finish()
}
