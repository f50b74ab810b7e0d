//! The serde-facing shape of `.portcullis.yaml`.
//!
//! These structs only fix the *structure* (which keys exist, what is a list, what is a map).
//! Leaves whose type users commonly get wrong are read leniently ([`Scalar`], [`Strings`]) so
//! that validation in `mod.rs` can report every such mistake at once, with its location.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// Keys accepted at the top level (kept in sync with [`RawConfig`] by a test).
pub const ROOT_KEYS: &[&str] = &[
    "version",
    "fail-on",
    "rules",
    "exclude",
    "ignore",
    "build-args",
    "target",
    "build-only-downgrade",
    "images",
    "advisories",
];

/// Keys accepted in the `images:` section (kept in sync with [`RawImages`] by a test).
pub const IMAGES_KEYS: &[&str] = &[
    "allow",
    "deny",
    "replace-defaults",
    "require-tag",
    "require-digest",
    "allow-latest",
    "require-signature",
    "scope",
    "windows-hosts",
];

/// Keys accepted in an `images.allow` / `images.deny` entry.
pub const PATTERN_KEYS: &[&str] = &["registry", "repository", "tag", "reason"];

/// Keys accepted in the `advisories:` section (kept in sync with [`RawAdvisories`] by a test).
pub const ADVISORIES_KEYS: &[&str] = &["source", "max-db-age-days", "ignore"];

/// Keys accepted in an `advisories.ignore` entry (kept in sync with [`RawAdvisoryIgnore`] by a
/// test).
pub const ADVISORY_IGNORE_KEYS: &[&str] = &["id", "package", "reason", "until"];

/// Keys accepted in an `ignore:` entry (kept in sync with [`RawIgnore`] by a test).
pub const IGNORE_KEYS: &[&str] = &["rule", "rules", "paths", "reason", "until"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    pub version: Option<Spanned<Scalar>>,
    pub fail_on: Option<Spanned<Scalar>>,
    pub rules: Option<Spanned<SpannedMap<Spanned<Scalar>>>>,
    pub exclude: Option<Spanned<Strings>>,
    pub ignore: Option<Spanned<Vec<Spanned<RawIgnore>>>>,
    pub build_args: Option<Spanned<SpannedMap<Spanned<Option<String>>>>>,
    pub target: Option<Spanned<String>>,
    pub build_only_downgrade: Option<Spanned<Scalar>>,
    pub images: Option<Spanned<RawImages>>,
    pub advisories: Option<Spanned<RawAdvisories>>,
}

/// The dependency-scanning section: where advisories come from and advisory ignores.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawAdvisories {
    pub source: Option<Spanned<Scalar>>,
    pub max_db_age_days: Option<Spanned<Scalar>>,
    pub ignore: Option<Spanned<Vec<Spanned<RawAdvisoryIgnore>>>>,
}

/// One `advisories.ignore` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawAdvisoryIgnore {
    pub id: Option<Spanned<Strings>>,
    pub package: Option<Spanned<Scalar>>,
    pub reason: Option<Spanned<String>>,
    pub until: Option<Spanned<Scalar>>,
}

/// The base-image policy section.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawImages {
    pub allow: Option<Spanned<Vec<Spanned<RawPattern>>>>,
    pub deny: Option<Spanned<Vec<Spanned<RawPattern>>>>,
    pub replace_defaults: Option<Spanned<Scalar>>,
    pub require_tag: Option<Spanned<Scalar>>,
    pub require_digest: Option<Spanned<Scalar>>,
    pub allow_latest: Option<Spanned<Scalar>>,
    pub require_signature: Option<Spanned<Scalar>>,
    pub scope: Option<Spanned<Scalar>>,
    pub windows_hosts: Option<Spanned<Strings>>,
}

/// One allow/deny entry of the image policy.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawPattern {
    pub registry: Option<Spanned<String>>,
    pub repository: Option<Spanned<String>>,
    pub tag: Option<Spanned<String>>,
    pub reason: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawIgnore {
    pub rule: Option<Spanned<Strings>>,
    pub rules: Option<Spanned<Strings>>,
    pub paths: Option<Spanned<Strings>>,
    pub reason: Option<Spanned<String>>,
    pub until: Option<Spanned<Scalar>>,
}

/// Any YAML node, reduced to what validation needs. Plain scalars keep their source text
/// (`1.10` stays `"1.10"`) next to the type YAML would give them.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    /// A sequence where a scalar was expected (its content is skipped).
    Seq,
    /// A mapping where a scalar was expected (its content is skipped).
    Map,
}

impl Scalar {
    /// What the user wrote, in words (for "expected X, found Y" messages).
    pub fn describe(&self) -> String {
        match self {
            Scalar::Null => "an empty value".to_string(),
            Scalar::Bool(b) => format!("the boolean `{b}`"),
            Scalar::Int(i) => format!("the number `{i}`"),
            Scalar::Float(f) => format!("the number `{f}`"),
            Scalar::Str(s) => format!("`{s}`"),
            Scalar::Seq => "a list".to_string(),
            Scalar::Map => "a mapping".to_string(),
        }
    }

    /// The scalar as text, if it is a string or a number (numbers as YAML printed them).
    pub fn as_text(&self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s.clone()),
            Scalar::Int(i) => Some(i.to_string()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
                Scalar::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(i128::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Int(i128::from(v)))
            }
            fn visit_i128<E>(self, v: i128) -> Result<Scalar, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Scalar, E> {
                Ok(i128::try_from(v).map_or(Scalar::Float(v as f64), Scalar::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Str(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Seq)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Map)
            }
        }
        d.deserialize_any(V)
    }
}

/// One string or a list of strings (`paths: legacy/**` or `paths: [a, b]`). Items that are not
/// scalars are kept as such so validation can point at them.
#[derive(Debug, Clone, PartialEq)]
pub enum Strings {
    One(Scalar),
    Many(Vec<Spanned<Scalar>>),
}

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Strings;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_unit<E>(self) -> Result<Strings, E> {
                Ok(Strings::One(Scalar::Null))
            }
            fn visit_none<E>(self) -> Result<Strings, E> {
                Ok(Strings::One(Scalar::Null))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Strings, D::Error> {
                Strings::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Strings, E> {
                Ok(Strings::One(Scalar::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Strings, E> {
                Ok(Strings::One(Scalar::Int(i128::from(v))))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Strings, E> {
                Ok(Strings::One(Scalar::Int(i128::from(v))))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Strings, E> {
                Ok(Strings::One(Scalar::Float(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Strings, E> {
                Ok(Strings::One(Scalar::Str(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Strings, E> {
                Ok(Strings::One(Scalar::Str(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strings, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<Scalar>>()? {
                    out.push(item);
                }
                Ok(Strings::Many(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strings, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Strings::One(Scalar::Map))
            }
        }
        d.deserialize_any(V)
    }
}

/// A mapping with string keys, in document order, keys with their locations.
#[derive(Debug, Clone, PartialEq)]
pub struct SpannedMap<V>(pub Vec<(Spanned<String>, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SpannedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Vis<V> {
            type Value = SpannedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_unit<E>(self) -> Result<SpannedMap<V>, E> {
                Ok(SpannedMap(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SpannedMap<V>, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<Spanned<String>, V>()? {
                    out.push((k, v));
                }
                Ok(SpannedMap(out))
            }
        }
        d.deserialize_map(Vis(std::marker::PhantomData))
    }
}

/// The bare tree of a document: only mapping keys (with locations) and nesting. Used to report
/// every unknown key when the structured parse stops at the first one.
#[derive(Debug, Clone, PartialEq)]
pub enum Tree {
    Leaf,
    Seq(Vec<Tree>),
    Map(Vec<(Spanned<String>, Tree)>),
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Tree;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_none<E>(self) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Tree, D::Error> {
                Tree::deserialize(d)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_i128<E>(self, _: i128) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_u128<E>(self, _: u128) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_str<E>(self, _: &str) -> Result<Tree, E> {
                Ok(Tree::Leaf)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<Tree>()? {
                    out.push(item);
                }
                Ok(Tree::Seq(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<Spanned<String>, Tree>()? {
                    out.push((k, v));
                }
                Ok(Tree::Map(out))
            }
        }
        d.deserialize_any(V)
    }
}
