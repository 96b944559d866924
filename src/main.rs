//! The `candour` binary: everything lives in the library; see `candour::cli`.

fn main() -> std::process::ExitCode {
    candour::cli::main()
}
