//! Software composition analysis: OSV advisories, CVSS scoring, per-ecosystem version
//! orderings and a pure matcher from SBOM components to advisories.
//!
//! Nothing here touches the file system or the network: advisory records come in as text or
//! parsed [`osv::Record`]s, components as [`crate::sbom::Component`]s.
//!
//! * [`osv`] — the OSV schema as serde types; typed errors for malformed records.
//! * [`version`] — NuGet, SemVer (crates.io, npm), PEP 440 (PyPI), Go, Debian and Alpine
//!   orderings; NuGet ranges and floating versions; PEP 440 specifiers; npm and Cargo
//!   requirements.
//! * [`cvss`] — CVSS v2, v3.0/v3.1 and v4.0 scores from vectors.
//! * [`severity`] — one severity per advisory (malicious > CVSS > GitHub label).
//! * [`spec`] — manifest ranges turned into intervals.
//! * [`matcher`] — the advisory index and component matching.

pub mod cvss;
pub mod matcher;
pub mod osv;
pub mod severity;
pub mod spec;
pub mod version;

pub use matcher::{
    AdvisoryIndex, BatchResult, ComponentResult, Match, MatchOptions, MatchStatus, MatchSummary,
    RangePolicy, UnknownReason,
};
