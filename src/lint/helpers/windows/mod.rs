//! Helpers for the Windows / PowerShell rules (DF2xx): base-image classification (family, OS
//! build, default user), a light command splitter for cmd and PowerShell that also descends into
//! `powershell -Command "..."` / `cmd /c "..."`, PowerShell preference detection and registry /
//! Windows-feature extraction.
//!
//! The splitter works on the logical text of a RUN instruction and only needs to find command
//! names, arguments and the operators between commands; it never evaluates anything.

use std::ops::Range;

use crate::dockerfile::shell::{ProgramName, program_name};
use crate::dockerfile::stages::{ShellKind, StageModel};
use crate::dockerfile::{Dockerfile, Form, InstructionKind};
use crate::lint::ShellScript;

mod images;
mod matching;
mod registry;
mod splitting;
mod tls_and_scripts;

pub use images::*;
pub use matching::*;
pub use registry::*;
pub use splitting::*;
pub use tls_and_scripts::*;

#[cfg(test)]
mod tests;
