//! RunState's processes, as an operator runs them: the built binary
//! (`$CARGO_TARGET_DIR/debug/runstate`), one process per role, each logging
//! to a file of its own. They are killed when the test ends, however it ends.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_runstate");
/// The encryption key every process of a run shares.
pub const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

/// Where libfaketime lives on Debian (package `faketime`), if installed.
pub fn libfaketime() -> Option<PathBuf> {
    ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"]
        .iter()
        .map(|dir| Path::new(dir).join("faketime/libfaketimeMT.so.1"))
        .find(|path| path.exists())
}

/// One process: how to start it again, and the running child.
struct Proc {
    args: Vec<String>,
    env: Vec<(String, String)>,
    child: Option<Child>,
}

/// The processes of one installation.
pub struct Fleet {
    env: Vec<(String, String)>,
    logs: PathBuf,
    procs: Vec<Proc>,
}

impl Fleet {
    /// A fleet whose processes all get `env` (the shared settings).
    pub fn new(env: Vec<(String, String)>, logs: &Path) -> Self {
        Self { env, logs: logs.to_owned(), procs: Vec::new() }
    }

    /// Starts `runstate ARGS` with extra environment; returns its index.
    pub fn spawn(&mut self, args: &[&str], env: &[(&str, String)]) -> usize {
        let args = args.iter().map(|a| (*a).to_owned()).collect();
        let env = env.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        self.procs.push(Proc { args, env, child: None });
        let index = self.procs.len() - 1;
        self.restart(index);
        index
    }

    /// Starts process `index` again (as a supervisor would after a crash).
    pub fn restart(&mut self, index: usize) {
        let log_name = format!("{index}-{}.log", self.procs[index].args.join("-"));
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.logs.join(log_name))
            .unwrap();
        let proc = &mut self.procs[index];
        let child = Command::new(BIN)
            .args(&proc.args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "info")
            .envs(self.env.iter().cloned())
            .envs(proc.env.iter().cloned())
            .stdin(Stdio::null())
            // Logs go to standard output, panics to standard error: keep both.
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap();
        proc.child = Some(child);
    }

    /// Sends `signal` (`KILL`, `TERM`, `STOP`, `CONT`) to process `index`.
    pub fn signal(&self, index: usize, signal: &str) {
        if let Some(child) = &self.procs[index].child {
            let pid = child.id().to_string();
            let status = Command::new("kill").args([&format!("-{signal}"), &pid]).status();
            assert!(status.is_ok_and(|s| s.success()), "kill -{signal} {pid}");
        }
    }

    /// `kill -9` and reap.
    pub fn kill(&mut self, index: usize) {
        self.signal(index, "KILL");
        if let Some(mut child) = self.procs[index].child.take() {
            child.wait().unwrap();
        }
    }

    /// SIGTERM to every running process at once, then waits (60 s at most)
    /// for each to exit; their exit statuses.
    pub async fn terminate_all(&mut self) -> Vec<ExitStatus> {
        let running: Vec<usize> =
            (0..self.procs.len()).filter(|i| self.procs[*i].child.is_some()).collect();
        for index in &running {
            self.signal(*index, "TERM");
        }
        let mut statuses = Vec::new();
        for index in running {
            statuses.push(self.wait(index).await);
        }
        statuses
    }

    /// SIGTERM to process `index`, and waits for it to exit.
    pub async fn terminate(&mut self, index: usize) -> ExitStatus {
        self.signal(index, "TERM");
        self.wait(index).await
    }

    async fn wait(&mut self, index: usize) -> ExitStatus {
        let proc = &mut self.procs[index];
        let mut child = proc.child.take().expect("a running process");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "{:?} did not exit after SIGTERM", proc.args);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Starts every process that is not running.
    pub fn restart_all(&mut self) {
        for index in 0..self.procs.len() {
            if self.procs[index].child.is_none() {
                self.restart(index);
            }
        }
    }

    /// The last lines of every process's log, for a failing assertion.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        for entry in std::fs::read_dir(&self.logs).into_iter().flatten().flatten() {
            if entry.path().extension().is_some_and(|e| e == "log") {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let lines: Vec<&str> = text.lines().collect();
                let tail = lines[lines.len().saturating_sub(40)..].join("\n");
                out.push_str(&format!("== {}\n{tail}\n", entry.path().display()));
            }
        }
        out
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for proc in &mut self.procs {
            if let Some(mut child) = proc.child.take() {
                // A stopped process must be continued to die of anything but KILL.
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}
