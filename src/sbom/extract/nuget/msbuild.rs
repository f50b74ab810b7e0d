pub fn wants(_p: &str) -> bool { false }
pub fn extract(_f: &crate::source::SourceFile, _cx: &crate::sbom::extract::ExtractContext<'_>) -> crate::sbom::model::Extracted { Default::default() }
