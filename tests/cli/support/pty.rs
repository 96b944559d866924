//! Driving candour on a real pseudo-terminal, for the prompts that only appear there.
//!
//! `script` (util-linux) gives the child a pty; we answer prompts only after seeing
//! them, so the tests do not depend on timing.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::TestEnv;

/// A candour process on a pseudo-terminal.
pub struct Pty {
    child: Child,
    stdin: ChildStdin,
    output: Arc<Mutex<Vec<u8>>>,
    seen: usize,
}

/// True when `script` is available (it is part of util-linux on every Linux CI image).
pub fn available() -> bool {
    std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

impl Pty {
    /// Starts `candour ARGS` on a pty.
    pub fn spawn(env: &TestEnv, args: &[&str]) -> Pty {
        let mut words = vec![env!("CARGO_BIN_EXE_candour")];
        words.extend_from_slice(args);
        let command_line = shell_words::join(words);
        let mut child = env
            .std_cmd("script")
            .args(["-qefc", &command_line, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn script");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            child,
            stdin,
            output,
            seen: 0,
        }
    }

    /// Waits until `needle` appears in the output after what was already matched.
    pub fn expect(&mut self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            {
                let out = self.output.lock().unwrap();
                let text = String::from_utf8_lossy(&out[self.seen..]).into_owned();
                if let Some(at) = text.find(needle) {
                    self.seen += text[..at + needle.len()].len();
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {needle:?}; output so far:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `input` (answers a prompt).
    pub fn send(&mut self, input: &str) {
        // Let the program switch the terminal mode for its prompt before typing.
        std::thread::sleep(Duration::from_millis(100));
        self.stdin.write_all(input.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Everything printed so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// Waits for the process and returns its exit code and whole output.
    pub fn finish(mut self) -> (Option<i32>, String) {
        let status = self.child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        (status.code(), self.text())
    }
}
