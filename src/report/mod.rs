//! Reporters: pure functions of one [`crate::engine::Report`]. STUB — replaced by the report work.
