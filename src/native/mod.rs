//! Native I/O: walking, reading files, the clock. STUB — replaced by the CLI work.
