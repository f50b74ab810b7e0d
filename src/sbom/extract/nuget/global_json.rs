//! `global.json`: the .NET SDK version the build selects (`sdk.version`, `rollForward`) and
//! MSBuild project SDKs restored from NuGet (`msbuild-sdks`).

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::sbom::extract::{ExtractContext, file_name};
use crate::sbom::model::{Component, ComponentType, Ecosystem, Extracted, Scope, VersionSpec};
use crate::source::SourceFile;

use super::json;
use super::{Builder, apply_resolved, load_json, nuget, version};

/// The component name of the .NET SDK.
pub const DOTNET_SDK: &str = "dotnet-sdk";

pub fn wants(path: &str) -> bool {
    file_name(path).eq_ignore_ascii_case("global.json")
}

/// The `msbuild-sdks` versions of the nearest `global.json` (lowercase SDK name → version).
pub fn msbuild_sdks(text: &str) -> BTreeMap<String, String> {
    let relaxed = json::relax(text);
    let text = relaxed.as_str();
    let Some(top) = json::parse(text).ok().and_then(|r| json::object(text, r)) else {
        return BTreeMap::new();
    };
    json::get(&top, "msbuild-sdks")
        .and_then(|s| json::object(text, s.value))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| Some((e.key.trim().to_ascii_lowercase(), json::string(e.value)?)))
        .collect()
}

pub fn extract(file: &SourceFile, _cx: &ExtractContext<'_>) -> Extracted {
    let mut b = Builder::new();
    // The .NET host reads global.json with comments allowed.
    let relaxed = json::relax(&file.text);
    let text = relaxed.as_str();
    let Some(top) = load_json(&mut b, file, text) else {
        return b.finish();
    };
    if let Some(sdk) = json::get(&top, "sdk") {
        match json::object(text, sdk.value) {
            Some(body) => read_sdk(&mut b, file, text, &body, sdk),
            None => b.diag(
                file,
                Severity::Warning,
                sdk.key_span,
                "\"sdk\" is not an object",
            ),
        }
    }
    if let Some(sdks) = json::get(&top, "msbuild-sdks") {
        for e in json::object(text, sdks.value).unwrap_or_default() {
            let mut c = nuget(&e.key, VersionSpec::Unpinned);
            match json::string(e.value) {
                Some(v) => apply_resolved(&mut b, file, json::span(text, e.value), &v, &mut c),
                None => b.diag(
                    file,
                    Severity::Warning,
                    e.key_span,
                    format!("{}: version is not a string", e.key),
                ),
            }
            c.direct = true;
            c.scope = Scope::Optional;
            c.properties.insert("msbuildSdk".into(), "true".into());
            c.evidence.push(b.evidence(file, e.key_span));
            let key = b.add(c);
            b.edge(None, key);
        }
    }
    b.finish()
}

fn read_sdk(
    b: &mut Builder,
    file: &SourceFile,
    text: &str,
    body: &[json::Entry<'_>],
    sdk: &json::Entry<'_>,
) {
    let Some(v) = json::get(body, "version") else {
        // No version: the newest installed SDK is used; nothing to report as a component.
        return;
    };
    let span = json::span(text, v.value);
    let Some(raw) = json::string(v.value) else {
        b.diag(file, Severity::Warning, span, "sdk.version is not a string");
        return;
    };
    let mut props = BTreeMap::new();
    let version = match version::normalize(&raw) {
        Ok(_) => VersionSpec::Exact(raw.trim().to_string()),
        Err(_) => {
            b.diag(
                file,
                Severity::Warning,
                span,
                format!("sdk.version {:?} is not a .NET SDK version", raw.trim()),
            );
            props.insert("versionText".to_string(), raw.trim().to_string());
            VersionSpec::Unpinned
        }
    };
    for key in ["rollForward", "allowPrerelease"] {
        if let Some(e) = json::get(body, key)
            && let Some(s) = json::scalar_text(e.value)
        {
            props.insert(key.to_string(), s);
        }
    }
    let c = Component {
        ecosystem: Ecosystem::DotnetSdk,
        component_type: ComponentType::Framework,
        name: DOTNET_SDK.to_string(),
        namespace: None,
        version,
        scope: Scope::Optional,
        direct: true,
        hashes: Vec::new(),
        url: None,
        evidence: vec![b.evidence(file, if span.is_empty() { sdk.key_span } else { span })],
        properties: props,
    };
    let key = b.add(c);
    b.edge(None, key);
}
