//! Reporters: pure functions of one [`crate::engine::Report`]. STUB — replaced by the report work.

pub mod text {
    use crate::engine::Report;
    pub struct TextOptions {
        pub color: bool,
    }
    pub fn render(report: &Report, opts: &TextOptions) -> String {
        let _ = opts;
        report.findings.iter().map(|f| format!("{}:{}: {} {}\n", f.location.path, f.location.region.start.line, f.rule, f.message)).collect()
    }
}
pub mod json {
    pub fn render(report: &crate::engine::Report) -> String {
        serde_json::to_string_pretty(report).unwrap_or_default()
    }
}
pub mod sarif {
    pub struct SarifOptions {
        pub automation_id: Option<String>,
        pub tool_version: &'static str,
    }
    pub fn render(report: &crate::engine::Report, opts: &SarifOptions) -> String {
        let _ = (report, opts);
        String::from("{}")
    }
}
pub mod github {
    pub fn render(report: &crate::engine::Report) -> String {
        let _ = report;
        String::new()
    }
}
pub mod azure {
    pub fn render(report: &crate::engine::Report) -> String {
        let _ = report;
        String::new()
    }
}
