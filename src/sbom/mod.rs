//! SBOM: components from manifests, lock files and Dockerfiles.

pub mod assemble;
pub mod extract;
pub mod model;
pub mod purl;
pub mod xml;

pub use assemble::{AssembleOptions, Sbom, SbomComponent, assemble};
pub use model::*;
