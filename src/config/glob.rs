//! Gitignore-style path patterns for `exclude:` and `ignore[].paths`, compiled with globset.
//!
//! Patterns are matched against repository-relative paths that use `/`:
//! - a pattern without a `/` (other than a trailing one) matches at any depth: `vendor` excludes
//!   `vendor/…` and `a/b/vendor/…`; `*.Dockerfile` matches in every directory;
//! - a pattern with a `/` in the middle (or a leading `/`) is anchored at the repository root:
//!   `vendor/**`, `/build`, `docker/legacy/*.Dockerfile`;
//! - `*` and `?` never match `/`; `**` matches any number of directories;
//! - a pattern that matches a directory also matches everything below it; a trailing `/`
//!   (`build/`) matches only directories;
//! - `!pattern` re-includes what an earlier pattern matched (the last matching pattern wins);
//! - matching is case-sensitive, like git.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// A compiled list of gitignore-style patterns.
#[derive(Debug, Clone)]
pub struct PathMatcher {
    set: GlobSet,
    /// For every glob in `set`: the index of the pattern it came from.
    owner: Vec<usize>,
    /// For every pattern: whether it is a `!` re-include.
    negated: Vec<bool>,
    any_negated: bool,
}

impl Default for PathMatcher {
    fn default() -> Self {
        Self {
            set: GlobSet::empty(),
            owner: Vec::new(),
            negated: Vec::new(),
            any_negated: false,
        }
    }
}

/// Why a pattern is not valid (the message says how to fix it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// Index of the offending pattern.
    pub index: usize,
    pub message: String,
}

impl PathMatcher {
    /// Compiles all patterns; the first invalid one is reported.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, PatternError> {
        let mut builder = GlobSetBuilder::new();
        let mut owner = Vec::new();
        let mut negated = Vec::with_capacity(patterns.len());
        for (index, p) in patterns.iter().enumerate() {
            let (neg, globs) =
                expand(p.as_ref()).map_err(|message| PatternError { index, message })?;
            negated.push(neg);
            for g in globs {
                let glob = GlobBuilder::new(&g)
                    .literal_separator(true)
                    .backslash_escape(true)
                    .case_insensitive(false)
                    .empty_alternates(true)
                    .build()
                    .map_err(|e| PatternError {
                        index,
                        message: format!(
                            "invalid glob `{}`: {}; check brackets and braces",
                            p.as_ref(),
                            e.kind()
                        ),
                    })?;
                builder.add(glob);
                owner.push(index);
            }
        }
        let set = builder.build().map_err(|e| PatternError {
            index: 0,
            message: format!("invalid glob: {}", e.kind()),
        })?;
        let any_negated = negated.iter().any(|n| *n);
        Ok(Self {
            set,
            owner,
            negated,
            any_negated,
        })
    }

    /// Compiles only the valid patterns (for configs built by hand rather than by `parse`).
    pub fn lenient<S: AsRef<str>>(patterns: &[S]) -> Self {
        let valid: Vec<&str> = patterns
            .iter()
            .map(AsRef::as_ref)
            .filter(|p| Self::new(&[*p]).is_ok())
            .collect();
        Self::new(&valid).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.negated.is_empty()
    }

    /// Whether `path` (repository-relative, `/` or `\` separated) is matched: the last pattern
    /// that matches decides, and a `!` pattern un-matches.
    pub fn is_match(&self, path: &str) -> bool {
        if self.is_empty() {
            return false;
        }
        let path = crate::source::normalize_path(path);
        if !self.any_negated {
            return self.set.is_match(&path);
        }
        let last = self
            .set
            .matches(&path)
            .into_iter()
            .filter_map(|g| self.owner.get(g))
            .max();
        match last {
            Some(&p) => !self.negated.get(p).copied().unwrap_or(false),
            None => false,
        }
    }
}

/// How many compiled pattern lists [`matches_cached`] keeps (the exclude list plus a few
/// ignores' `paths`).
const CACHE_SIZE: usize = 16;

thread_local! {
    static CACHE: std::cell::RefCell<Vec<(Vec<String>, PathMatcher)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// [`PathMatcher::lenient`]`(patterns).is_match(path)`, reusing compiled matchers for pattern
/// lists seen recently (compiling a glob set costs far more than matching with it).
pub(crate) fn matches_cached(patterns: &[String], path: &str) -> bool {
    if patterns.is_empty() {
        return false;
    }
    CACHE.with(|cell| {
        let Ok(mut cache) = cell.try_borrow_mut() else {
            return PathMatcher::lenient(patterns).is_match(path);
        };
        if let Some(pos) = cache.iter().position(|(p, _)| p.as_slice() == patterns) {
            // Most recently used last.
            let entry = cache.remove(pos);
            let hit = entry.1.is_match(path);
            cache.push(entry);
            return hit;
        }
        let matcher = PathMatcher::lenient(patterns);
        let hit = matcher.is_match(path);
        if cache.len() >= CACHE_SIZE {
            cache.remove(0);
        }
        cache.push((patterns.to_vec(), matcher));
        hit
    })
}

/// Turns one gitignore-style pattern into globset globs. Returns (negated, globs).
fn expand(pattern: &str) -> Result<(bool, Vec<String>), String> {
    let trimmed = pattern.trim();
    if trimmed.is_empty() {
        return Err("empty pattern; remove it".to_string());
    }
    if trimmed.contains('\\') {
        return Err(format!(
            "pattern `{trimmed}` contains `\\`; write paths with `/` (e.g. `vendor/**`)"
        ));
    }
    let (negated, body) = match trimmed.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let dir_only = body.ends_with('/');
    let body = body.trim_end_matches('/');
    let anchored = body.starts_with('/') || body.contains('/');
    let body = body.trim_start_matches('/');
    let body = body.strip_prefix("./").unwrap_or(body);
    if body.is_empty() {
        return Err(format!(
            "pattern `{trimmed}` matches nothing; write a path or glob"
        ));
    }
    if body.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err(format!(
            "pattern `{trimmed}` uses `.` or `..`; patterns are relative to the repository root"
        ));
    }
    let base = if anchored || body.starts_with("**/") || body == "**" {
        body.to_string()
    } else {
        format!("**/{body}")
    };
    let inside = if base.ends_with("/**") || base == "**" {
        base.clone()
    } else {
        format!("{base}/**")
    };
    let globs = if dir_only {
        vec![inside]
    } else if inside == base {
        vec![base]
    } else {
        vec![base, inside]
    };
    Ok((negated, globs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(patterns: &[&str]) -> PathMatcher {
        PathMatcher::new(patterns).expect("valid patterns")
    }

    #[test]
    fn plain_name_matches_at_any_depth() {
        let p = m(&["vendor"]);
        assert!(p.is_match("vendor/Dockerfile"));
        assert!(p.is_match("a/b/vendor/x/Dockerfile"));
        assert!(p.is_match("vendor"));
        assert!(!p.is_match("vendors/Dockerfile"));
        assert!(!p.is_match("myvendor/Dockerfile"));
        assert!(!p.is_match("src/Dockerfile"));
    }

    #[test]
    fn anchored_patterns_match_from_root_only() {
        let p = m(&["vendor/**"]);
        assert!(p.is_match("vendor/Dockerfile"));
        assert!(p.is_match("vendor/a/b/Dockerfile"));
        assert!(!p.is_match("x/vendor/Dockerfile"));
        let p = m(&["/build"]);
        assert!(p.is_match("build/Dockerfile"));
        assert!(!p.is_match("src/build/Dockerfile"));
        let p = m(&["docker/legacy"]);
        assert!(p.is_match("docker/legacy/Dockerfile"));
        assert!(!p.is_match("x/docker/legacy/Dockerfile"));
    }

    #[test]
    fn double_star_prefix_and_star_does_not_cross_slash() {
        let p = m(&["**/legacy/*.Dockerfile"]);
        assert!(p.is_match("legacy/app.Dockerfile"));
        assert!(p.is_match("a/b/legacy/app.Dockerfile"));
        assert!(!p.is_match("legacy/sub/app.Dockerfile"));
        assert!(!p.is_match("legacy/Dockerfile"));
        let p = m(&["*.Dockerfile"]);
        assert!(p.is_match("app.Dockerfile"));
        assert!(p.is_match("deep/dir/app.Dockerfile"));
        assert!(!p.is_match("Dockerfile"));
        let p = m(&["docker/*/Dockerfile"]);
        assert!(p.is_match("docker/a/Dockerfile"));
        assert!(!p.is_match("docker/a/b/Dockerfile"));
    }

    #[test]
    fn trailing_slash_means_directory() {
        let p = m(&["build/"]);
        assert!(p.is_match("build/Dockerfile"));
        assert!(p.is_match("x/build/Dockerfile"));
        assert!(!p.is_match("build"));
    }

    #[test]
    fn negation_last_match_wins() {
        let p = m(&["vendor/**", "!vendor/ours/**"]);
        assert!(p.is_match("vendor/theirs/Dockerfile"));
        assert!(!p.is_match("vendor/ours/Dockerfile"));
        let p = m(&["!vendor/ours/**", "vendor/**"]);
        assert!(p.is_match("vendor/ours/Dockerfile"));
    }

    #[test]
    fn paths_are_normalized_and_case_sensitive() {
        let p = m(&["vendor/**"]);
        assert!(p.is_match("./vendor/Dockerfile"));
        assert!(p.is_match("vendor\\Dockerfile"));
        assert!(!p.is_match("Vendor/Dockerfile"));
    }

    #[test]
    fn braces_and_classes() {
        let p = m(&["{ci,build}/**", "Dockerfile.[ab]"]);
        assert!(p.is_match("ci/Dockerfile"));
        assert!(p.is_match("build/x/Dockerfile"));
        assert!(p.is_match("x/Dockerfile.a"));
        assert!(!p.is_match("x/Dockerfile.c"));
    }

    #[test]
    fn invalid_patterns_are_reported_with_index() {
        let e = PathMatcher::new(&["ok/**", "bad/[x"]).unwrap_err();
        assert_eq!(e.index, 1);
        assert!(e.message.contains("bad/[x"), "{}", e.message);
        assert!(PathMatcher::new(&[""]).is_err());
        assert!(PathMatcher::new(&["vendor\\**"]).is_err());
        assert!(PathMatcher::new(&["!"]).is_err());
        assert!(PathMatcher::new(&["../x"]).is_err());
        assert!(PathMatcher::new(&["{a,b"]).is_err());
    }

    #[test]
    fn cached_matching_agrees_with_fresh_compilation() {
        let lists: Vec<Vec<String>> = (0..40)
            .map(|i| vec![format!("dir{i}"), "!dir3/keep/**".to_string()])
            .collect();
        for round in 0..2 {
            for (i, list) in lists.iter().enumerate() {
                let hit = format!("x/dir{i}/Dockerfile");
                let miss = format!("x/other{i}/Dockerfile");
                assert!(matches_cached(list, &hit), "round {round} list {i}");
                assert!(!matches_cached(list, &miss), "round {round} list {i}");
                assert_eq!(
                    matches_cached(list, "dir3/keep/Dockerfile"),
                    PathMatcher::lenient(list).is_match("dir3/keep/Dockerfile")
                );
            }
        }
        assert!(!matches_cached(&[], "a"));
    }

    #[test]
    fn lenient_skips_invalid() {
        let p = PathMatcher::lenient(&["bad/[x", "vendor"]);
        assert!(p.is_match("vendor/Dockerfile"));
        assert!(!PathMatcher::default().is_match("anything"));
    }
}
