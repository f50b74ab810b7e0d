//! SBOM: components from manifests, lock files and Dockerfiles.

pub mod extract;
pub mod model;

pub use model::*;
