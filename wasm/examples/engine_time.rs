//! Times the engine's `scanJson` natively, on the same JSON the WebAssembly build gets.
//!
//!   cargo run --release -p portcullis-wasm --example engine_time -- FILES.json OPTIONS.json RUNS
//!
//! Prints one line per run: `scan <milliseconds> ms` (wall time of the call, one thread).
#![allow(clippy::disallowed_methods)]

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [files, options, runs] = args.as_slice() else {
        eprintln!("usage: engine_time FILES.json OPTIONS.json RUNS");
        std::process::exit(2);
    };
    let files = std::fs::read_to_string(files).expect("files JSON");
    let options = std::fs::read_to_string(options).expect("options JSON");
    let runs: usize = runs.parse().expect("runs");
    for _ in 0..runs {
        let start = Instant::now();
        let out = portcullis_wasm::scan_json(&files, &options);
        let ms = start.elapsed().as_secs_f64() * 1e3;
        println!("scan {ms:.1} ms {} bytes", out.len());
    }
}
