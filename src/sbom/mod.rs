//! SBOM: components from manifests, lock files and Dockerfiles.

pub mod extract;
pub mod model;
pub mod xml;

pub use model::*;
