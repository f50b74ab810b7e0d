//! Shared matching helpers for rules (command lookup, URLs, secrets, downloads, packages).

pub mod general;
pub mod images;
pub mod packages;
pub mod secrets_downloads;
pub mod windows;
