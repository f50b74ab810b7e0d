//! Helpers for rules (see mod.rs).
