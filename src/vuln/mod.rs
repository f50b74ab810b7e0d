//! Software composition analysis: OSV advisories, CVSS scoring, per-ecosystem version
//! orderings and a pure matcher from SBOM components to advisories.
//!
//! Nothing here touches the file system or the network: advisory records come in as text or
//! parsed [`osv::Record`]s, components as [`crate::sbom::Component`]s.

pub mod cvss;
pub mod matcher;
pub mod osv;
pub mod severity;
pub mod spec;
pub mod version;
