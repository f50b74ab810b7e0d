#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    portcullis::fuzzing::manifest(portcullis::fuzzing::YAML_NAMES, data);
});
