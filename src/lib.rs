//! Portcullis — a security gate for container builds.
//!
//! The core is pure: it takes file contents, configuration and today's date and returns
//! findings and reports. All I/O lives in [`native`] behind the `native` feature, so the core
//! compiles to `wasm32-unknown-unknown`.

pub mod baseimage;
pub mod codegen;
pub mod config;
pub mod dockerfile;
pub mod engine;
pub mod finding;
#[doc(hidden)]
pub mod fuzzing;
pub mod lint;
pub mod lsp;
pub mod parallel;
pub mod report;
pub mod sbom;
pub mod sca;
pub mod source;
pub mod suppress;
pub mod vuln;

#[cfg(feature = "native")]
#[allow(clippy::disallowed_methods)]
pub mod native;

pub use engine::{Report, ScanOptions, scan};
pub use finding::{FailOn, Finding, Severity};
pub use source::{Date, SourceFile, Span};
