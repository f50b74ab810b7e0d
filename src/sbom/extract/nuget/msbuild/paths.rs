//! Paths in project files: `..`, separators and case, resolved against the scan.

/// Joins `rel` (with `\` or `/`) onto `dir` and normalizes `.` / `..`; `None` for absolute
/// paths or paths leaving the scanned tree.
pub(super) fn resolve_path(dir: &str, rel: &str) -> Option<String> {
    let rel = rel.trim().replace('\\', "/");
    if rel.starts_with('/') || rel.get(1..2) == Some(":") {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

pub(super) fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.to_ascii_lowercase();
    h.find(&needle.to_ascii_lowercase())
}

pub(super) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}
