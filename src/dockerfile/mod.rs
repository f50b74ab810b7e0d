//! Dockerfile parsing with BuildKit's semantics, the stage model and shell command extraction.

pub mod expand;
pub mod model;
mod parser;
pub mod shell;
pub mod stages;

pub use model::*;
pub use parser::parse;
