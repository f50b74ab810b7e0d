//! Stages (computed from FROM positions so they work without the stage model).

use super::*;

/// Stage number of instruction `idx`: count of FROM instructions at or before it (0 = before the
/// first FROM).
pub fn stage_number(df: &Dockerfile, idx: usize) -> usize {
    df.instructions
        .iter()
        .take(idx + 1)
        .filter(|i| i.kind == InstructionKind::From)
        .count()
}

/// The instruction itself and, for `ONBUILD X`, the triggered instruction.
pub fn with_onbuild(inst: &Instruction) -> impl Iterator<Item = &Instruction> {
    std::iter::once(inst).chain(inst.onbuild.as_deref())
}
