//! Configuration. STUB — replaced by the config work (see API.md).
use std::collections::BTreeMap;

use crate::finding::{FailOn, Severity};
use crate::source::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    On,
    Severity(Severity),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    pub rules: Vec<String>,
    pub paths: Vec<String>,
    pub reason: String,
    pub until: Option<Date>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub fail_on: FailOn,
    pub rules: BTreeMap<String, RuleSetting>,
    pub exclude: Vec<String>,
    pub ignores: Vec<Ignore>,
    pub build_args: BTreeMap<String, String>,
    pub target: Option<String>,
    pub build_only_downgrade: bool,
    pub source: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            fail_on: FailOn::Error,
            rules: BTreeMap::new(),
            exclude: Vec::new(),
            ignores: Vec::new(),
            build_args: BTreeMap::new(),
            target: None,
            build_only_downgrade: true,
            source: None,
        }
    }
}

impl Config {
    pub fn rule_setting(&self, id: &str) -> Option<RuleSetting> {
        self.rules.get(&id.to_ascii_uppercase()).copied()
    }
    pub fn is_excluded(&self, path: &str) -> bool {
        let _ = path;
        false
    }
    pub fn ignore_for(&self, rule: &str, path: &str, today: Date) -> Option<&Ignore> {
        let _ = (rule, path, today);
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

pub fn parse(path: &str, text: &str, known_rules: &[&str]) -> Result<Config, Vec<ConfigError>> {
    let _ = (text, known_rules);
    Ok(Config {
        source: Some(path.to_string()),
        ..Config::default()
    })
}

pub fn starter_config() -> &'static str {
    "version: 1\n"
}
