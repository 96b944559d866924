//! Integration tests: each module drives the real `candour` binary in a temp journal.
//!
//! One test binary (Cargo builds `tests/cli/main.rs`) links once, which matters on a
//! two-core CI machine. `declared_modules` below fails if a file here is forgotten.

#![allow(
    clippy::unwrap_used,
    clippy::disallowed_methods,
    clippy::missing_panics_doc
)]

mod support;

mod add;
mod agent;
mod bad_input;
mod crash;
mod editor;
mod errors;
mod file_keys;
mod help;
mod init;
mod interop;
mod list_show;
mod maintenance;
mod migrations;
mod modify;
mod passwd;
mod review;
mod storage;
mod tagging;
mod terminal;
mod transfer;

/// Every `.rs` file in this directory must be declared above, or its tests never run.
#[test]
fn declared_modules() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli");
    let main = std::fs::read_to_string(dir.join("main.rs")).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_stem().unwrap().to_str().unwrap();
            if name != "main" {
                assert!(
                    main.contains(&format!("mod {name};")),
                    "tests/cli/{name}.rs is not declared in main.rs"
                );
            }
        }
    }
}
