//! Re-runs one test of the current test binary in a child under
//! `ulimit -v KIB`, with `child_env` set so the test knows it is the child.

#![allow(clippy::unwrap_used)]
use std::process::{Command, Output};

pub fn rerun_under_memory_limit(test: &str, kib: u64, child_env: &str) -> Output {
    let exe = std::env::current_exe().unwrap();
    let script = format!(
        "ulimit -v {kib} && exec '{}' --exact {test} --test-threads=1",
        exe.display()
    );
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .env(child_env, "1")
        .output()
        .unwrap()
}
