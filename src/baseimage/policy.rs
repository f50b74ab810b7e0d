//! Base-image allowlist policy: allowed / denied registries, repositories and tag patterns with
//! reasons, plus the pinning requirements.

use globset::{GlobBuilder, GlobMatcher};
use serde::Serialize;

use super::lifecycle::{PatternData, PolicyData};
use super::reference::ImageRef;

/// Which stages the allowlist judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Every external image the build pulls (all stages, COPY --from, RUN --mount from).
    #[default]
    All,
    /// Only the final stage's base chain.
    Final,
}

/// A compiled allow/deny entry.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub registry: String,
    pub repository: Option<String>,
    pub tag: Option<String>,
    pub reason: Option<String>,
    registry_m: Matcher,
    repository_m: Option<Matcher>,
    tag_m: Option<Matcher>,
}

/// A compiled pattern: most policy entries are plain names, which need no glob engine (its
/// regex compilation was a noticeable part of every short scan, above all in WebAssembly).
#[derive(Debug, Clone)]
enum Matcher {
    Literal {
        text: String,
        case_insensitive: bool,
    },
    Glob(GlobMatcher),
}

impl Matcher {
    fn is_match(&self, s: &str) -> bool {
        match self {
            Matcher::Literal {
                text,
                case_insensitive: true,
            } => text.eq_ignore_ascii_case(s),
            Matcher::Literal { text, .. } => text == s,
            Matcher::Glob(g) => g.is_match(s),
        }
    }
}

impl PartialEq for Pattern {
    fn eq(&self, o: &Self) -> bool {
        self.registry == o.registry
            && self.repository == o.repository
            && self.tag == o.tag
            && self.reason == o.reason
    }
}

fn glob(p: &str, case_insensitive: bool) -> Result<Matcher, String> {
    // Without metacharacters a glob matches exactly its own text. Case-insensitive matching
    // is only asked for registries, which are ASCII host names.
    if !p.contains(['*', '?', '[', ']', '{', '}', '\\']) {
        return Ok(Matcher::Literal {
            text: p.to_string(),
            case_insensitive,
        });
    }
    GlobBuilder::new(p)
        .literal_separator(true)
        .case_insensitive(case_insensitive)
        .build()
        .map(|g| Matcher::Glob(g.compile_matcher()))
        .map_err(|e| format!("invalid pattern `{p}`: {e}"))
}

impl Pattern {
    pub fn compile(d: &PatternData) -> Result<Self, String> {
        let registry = match d.registry.as_str() {
            "index.docker.io" | "registry-1.docker.io" | "hub.docker.com" => {
                "docker.io".to_string()
            }
            r => r.to_ascii_lowercase(),
        };
        Ok(Pattern {
            registry_m: glob(&registry, true)?,
            repository_m: d
                .repository
                .as_deref()
                .map(|r| glob(r, false))
                .transpose()?,
            tag_m: d.tag.as_deref().map(|t| glob(t, false)).transpose()?,
            registry,
            repository: d.repository.clone(),
            tag: d.tag.clone(),
            reason: d.reason.clone(),
        })
    }

    pub fn matches(&self, image: &ImageRef) -> bool {
        if !self.registry_m.is_match(&image.registry) {
            return false;
        }
        if let Some(m) = &self.repository_m {
            // Docker Hub official images may be written with or without `library/`.
            let ok = m.is_match(&image.repository)
                || (image.registry == "docker.io"
                    && image
                        .repository
                        .strip_prefix("library/")
                        .is_some_and(|r| m.is_match(r)));
            if !ok {
                return false;
            }
        }
        if let Some(m) = &self.tag_m {
            match image.effective_tag() {
                Some(t) => {
                    if !m.is_match(t) {
                        return false;
                    }
                }
                None => return false,
            }
        }
        true
    }

    /// `registry/repository:tag` form for messages.
    pub fn describe(&self) -> String {
        let mut s = self.registry.clone();
        if let Some(r) = &self.repository {
            s.push('/');
            s.push_str(r);
        }
        if let Some(t) = &self.tag {
            s.push(':');
            s.push_str(t);
        }
        s
    }
}

/// The effective base-image policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ImagePolicy {
    pub allow: Vec<Pattern>,
    pub deny: Vec<Pattern>,
    pub require_tag: bool,
    pub require_digest: bool,
    pub allow_latest: bool,
    pub require_signature: bool,
    pub scope: Scope,
    /// Declared Windows container hosts (`ltsc2022`, …) for host-compatibility checks.
    pub windows_hosts: Vec<String>,
}

/// The verdict of the allowlist on one image.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict<'a> {
    Allowed(&'a Pattern),
    Denied(&'a Pattern),
    NotAllowed,
}

impl ImagePolicy {
    pub fn from_data(d: &PolicyData) -> Result<Self, Vec<String>> {
        let mut errors = Vec::new();
        let mut compile = |list: &[PatternData]| -> Vec<Pattern> {
            list.iter()
                .filter_map(|p| Pattern::compile(p).map_err(|e| errors.push(e)).ok())
                .collect()
        };
        let allow = compile(&d.allow);
        let deny = compile(&d.deny);
        let scope = match d.scope.as_deref() {
            None | Some("all") => Scope::All,
            Some("final") => Scope::Final,
            Some(other) => {
                errors.push(format!("scope must be `all` or `final`, not `{other}`"));
                Scope::All
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ImagePolicy {
            allow,
            deny,
            require_tag: d.require_tag,
            require_digest: d.require_digest,
            allow_latest: d.allow_latest,
            require_signature: false,
            scope,
            windows_hosts: Vec::new(),
        })
    }

    /// The embedded default policy (mcr.microsoft.com and Docker Official Images).
    pub fn embedded() -> Self {
        super::lifecycle::data()
            .ok()
            .and_then(|d| Self::from_data(&d.policy).ok())
            .unwrap_or_else(|| ImagePolicy {
                allow: Vec::new(),
                deny: Vec::new(),
                require_tag: true,
                require_digest: false,
                allow_latest: false,
                require_signature: false,
                scope: Scope::All,
                windows_hosts: Vec::new(),
            })
    }

    /// Deny entries win over allow entries; no matching allow entry = not allowed.
    pub fn verdict(&self, image: &ImageRef) -> Verdict<'_> {
        if let Some(d) = self.deny.iter().find(|p| p.matches(image)) {
            return Verdict::Denied(d);
        }
        match self.allow.iter().find(|p| p.matches(image)) {
            Some(a) => Verdict::Allowed(a),
            None => Verdict::NotAllowed,
        }
    }
}

impl Default for ImagePolicy {
    fn default() -> Self {
        Self::embedded()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_patterns_match_like_the_glob_engine() {
        let patterns = [
            "mcr.microsoft.com",
            "dotnet/sdk",
            "8.0",
            "ltsc2022",
            "",
            "a.b-c_d",
        ];
        let inputs = [
            "mcr.microsoft.com",
            "MCR.Microsoft.com",
            "mcr.microsoft.co",
            "dotnet/sdk",
            "dotnet/sdk/x",
            "dotnet/SDK",
            "8.0",
            "8x0",
            "ltsc2022",
            "",
            "a.b-c_d",
        ];
        for p in patterns {
            for ci in [false, true] {
                let fast = glob(p, ci).expect("pattern");
                assert!(matches!(fast, Matcher::Literal { .. }), "{p}");
                let slow = GlobBuilder::new(p)
                    .literal_separator(true)
                    .case_insensitive(ci)
                    .build()
                    .expect("glob")
                    .compile_matcher();
                for i in inputs {
                    assert_eq!(fast.is_match(i), slow.is_match(i), "{p:?} ci={ci} on {i:?}");
                }
            }
        }
        assert!(matches!(glob("dotnet/*", false), Ok(Matcher::Glob(_))));
        assert!(
            glob("dotnet/*", false)
                .expect("glob")
                .is_match("dotnet/sdk")
        );
    }

    fn img(s: &str) -> ImageRef {
        ImageRef::parse(s).expect("valid reference")
    }

    fn pat(registry: &str, repository: Option<&str>, tag: Option<&str>) -> PatternData {
        PatternData {
            registry: registry.into(),
            repository: repository.map(Into::into),
            tag: tag.map(Into::into),
            reason: None,
        }
    }

    #[test]
    fn embedded_policy_trusts_mcr_and_official_images_only() {
        let p = ImagePolicy::embedded();
        assert!(matches!(
            p.verdict(&img("mcr.microsoft.com/windows/servercore:ltsc2022")),
            Verdict::Allowed(_)
        ));
        assert!(matches!(p.verdict(&img("node:22")), Verdict::Allowed(_)));
        assert!(matches!(
            p.verdict(&img("docker.io/library/python:3.12")),
            Verdict::Allowed(_)
        ));
        assert!(matches!(
            p.verdict(&img("randomuser/windowsservercore")),
            Verdict::NotAllowed
        ));
        assert!(matches!(
            p.verdict(&img("microsoft/aspnet:4.7.2")),
            Verdict::NotAllowed
        ));
        assert!(matches!(
            p.verdict(&img("ghcr.io/owner/image:1")),
            Verdict::NotAllowed
        ));
        assert!(matches!(
            p.verdict(&img(
                "mcr.microsoft.com.evil.example/windows/servercore:ltsc2022"
            )),
            Verdict::NotAllowed
        ));
        assert!(p.require_tag && !p.require_digest && !p.allow_latest);
    }

    #[test]
    fn patterns_and_deny_precedence() {
        let d = PolicyData {
            allow: vec![
                pat("*.azurecr.io", None, None),
                pat("docker.io", Some("library/*"), None),
                pat("ghcr.io", Some("acme/**"), Some("v*")),
            ],
            deny: vec![pat("docker.io", Some("library/ubuntu"), Some("1[0-8].*"))],
            require_tag: true,
            require_digest: true,
            allow_latest: false,
            scope: Some("final".into()),
        };
        let p = ImagePolicy::from_data(&d).expect("valid policy");
        assert_eq!(p.scope, Scope::Final);
        assert!(matches!(
            p.verdict(&img("myacr.azurecr.io/base:1")),
            Verdict::Allowed(_)
        ));
        assert!(matches!(
            p.verdict(&img("evil.io/x.azurecr.io:1")),
            Verdict::NotAllowed
        ));
        assert!(matches!(
            p.verdict(&img("ubuntu:18.04")),
            Verdict::Denied(_)
        ));
        assert!(matches!(
            p.verdict(&img("ubuntu:24.04")),
            Verdict::Allowed(_)
        ));
        assert!(matches!(
            p.verdict(&img("ghcr.io/acme/team/app:v1.2")),
            Verdict::Allowed(_)
        ));
        assert!(matches!(
            p.verdict(&img("ghcr.io/acme/team/app:dev")),
            Verdict::NotAllowed
        ));
        assert!(matches!(
            p.verdict(&img("ghcr.io/other/app:v1")),
            Verdict::NotAllowed
        ));
        assert!(matches!(
            p.verdict(&img("user/library:v1")),
            Verdict::NotAllowed
        ));
    }

    #[test]
    fn bad_patterns_are_errors() {
        let d = PolicyData {
            allow: vec![pat("[", None, None)],
            deny: vec![],
            require_tag: true,
            require_digest: false,
            allow_latest: false,
            scope: Some("some".into()),
        };
        let errs = ImagePolicy::from_data(&d).expect_err("invalid");
        assert_eq!(errs.len(), 2);
    }
}
