//! Facts a registry told the native layer about an image (digest, signature), handed to the
//! pure core as data. Keyed by the normalized reference (`ImageRef::normalized`).

use std::collections::BTreeMap;

use serde::Serialize;

/// Whether a signature exists for the resolved digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state", content = "kind")]
pub enum Signature {
    /// Signed; the kind says how (`cosign`, or a referrer artifact type).
    Signed(String),
    Unsigned,
    NotChecked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolvedImage {
    /// `sha256:…` of the manifest (or index) the tag points to.
    pub digest: String,
    pub signature: Signature,
}

/// Resolutions by normalized reference.
pub type Resolutions = BTreeMap<String, ResolvedImage>;
