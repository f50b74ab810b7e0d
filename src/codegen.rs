//! Code generation from rule documents (used by `cargo xtask generate` and the staleness test).
//! STUB — replaced by the codegen work.
