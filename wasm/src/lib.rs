//! WebAssembly build of the Portcullis core (stub: the wasm-bindgen API comes with the Action issue).

/// Lints one Dockerfile and returns the findings as JSON.
pub fn lint_json(path: &str, text: &str, today: &str) -> String {
    let file = portcullis::SourceFile::new(path, text);
    let today = portcullis::Date::parse(today).unwrap_or(portcullis::Date {
        year: 1970,
        month: 1,
        day: 1,
    });
    let report = portcullis::scan(
        &[file],
        &portcullis::config::Config::default(),
        &portcullis::ScanOptions {
            dockerignore_known: false,
            ..portcullis::ScanOptions::new(today)
        },
    );
    serde_json::to_string(&report.findings).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
