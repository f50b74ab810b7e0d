//! Shared matching for the secrets (DF3xx) and download-integrity (DF50x) rules:
//!
//! * secret-like names: [`name_tokens`], [`secret_name`]; literal values: [`literal_secret_value`],
//!   [`contains_reference`], [`is_reference_only`], [`word_is_literal`];
//! * known credential formats: [`find_credentials`], [`mask_secret`];
//! * URLs: [`find_urls`], [`url_credentials`], [`is_plain_http`], [`remote_source`];
//! * downloads and their verification: [`find_downloads`], [`find_verifications`],
//!   [`download_verdicts`];
//! * credential files: [`credential_file`].
//!
//! Everything here is pure string / command matching; regexes are compiled once.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::dockerfile::shell::{Command, Connector, Dialect, Script, ShWord};
use crate::dockerfile::{Dockerfile, Instruction, InstructionKind};
use crate::lint::ShellScript;

mod commands;
mod credential_files;
mod credentials;
mod downloads;
mod names;
mod stages;
mod urls;
mod values;
mod vars;

pub use commands::*;
pub use credential_files::*;
pub use credentials::*;
pub use downloads::*;
pub use names::*;
pub use stages::*;
pub use urls::*;
pub use values::*;
pub use vars::*;

#[cfg(test)]
mod tests;
