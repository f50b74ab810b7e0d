//! SBOM: components from manifests, lock files and Dockerfiles.

pub mod model;

pub use model::*;
