//! The suite's own Postgres and Redis on free loopback ports, in a temporary
//! directory. The faults kill and restart them, so they cannot be the shared
//! ones `scripts/services.sh` starts for the other tests.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free TCP port on 127.0.0.1 (bound and released; nothing else here
/// races for ports while the suite runs).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Why the suite cannot run here, if it cannot: it needs root (Postgres runs
/// as the `postgres` user), Postgres's binaries and redis-server.
pub fn missing() -> Option<String> {
    let root = Command::new("id").arg("-u").output().ok();
    if root.is_none_or(|out| String::from_utf8_lossy(&out.stdout).trim() != "0") {
        return Some("not root (Postgres is started with runuser as postgres)".into());
    }
    if pg_bin().is_none() {
        return Some("no Postgres under /usr/lib/postgresql (scripts/install.sh test)".into());
    }
    if Command::new("redis-server").arg("--version").output().is_err() {
        return Some("redis-server is not on PATH (scripts/install.sh test)".into());
    }
    None
}

/// The newest installed Postgres's bin directory.
fn pg_bin() -> Option<PathBuf> {
    let mut bins: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("initdb").exists())
        .collect();
    bins.sort_by_key(|p| {
        let version = p.parent().and_then(|v| v.file_name()).and_then(|v| v.to_str());
        version.and_then(|v| v.parse::<u32>().ok()).unwrap_or(0)
    });
    bins.pop()
}

fn run(what: &str, command: &mut Command) {
    let out = command.output().unwrap_or_else(|err| panic!("{what}: {err}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A Postgres cluster of the test's own, run as `postgres` with `pg_ctl`.
pub struct Postgres {
    pub port: u16,
    bin: PathBuf,
    data: PathBuf,
    log: PathBuf,
}

impl Postgres {
    /// `initdb` in `root/pg` and start on a free port.
    pub fn start(root: &Path) -> Self {
        let bin = pg_bin().expect("Postgres binaries");
        let dir = root.join("pg");
        std::fs::create_dir_all(&dir).unwrap();
        run("chown", Command::new("chown").args(["postgres:postgres"]).arg(&dir));
        let data = dir.join("data");
        run(
            "initdb",
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(bin.join("initdb"))
                .arg("-D")
                .arg(&data)
                .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"]),
        );
        let port = free_port();
        // fsync off: the faults kill processes, never the machine, so what a
        // commit wrote to the page cache survives. synchronous_commit stays
        // on: an acknowledged commit must survive `-m immediate`.
        let conf = format!(
            "listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\n\
             max_connections = 200\nfsync = off\nfull_page_writes = off\nsynchronous_commit = on\n",
            dir.display()
        );
        let file = data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&file).unwrap();
        text.push_str(&conf);
        std::fs::write(&file, text).unwrap();
        let pg = Self { port, bin, data, log: dir.join("server.log") };
        pg.start_again();
        pg
    }

    /// The URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn pg_ctl(&self, args: &[&str]) -> Command {
        let mut command = Command::new("runuser");
        command
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&self.data)
            .args(args);
        command
    }

    /// `pg_ctl start`, waiting until it accepts connections.
    pub fn start_again(&self) {
        let log = self.log.display().to_string();
        run("pg_ctl start", &mut self.pg_ctl(&["-l", &log, "-w", "-t", "60", "start"]));
    }

    /// `pg_ctl stop -m immediate`: every backend dies at once, no checkpoint;
    /// the next start replays the WAL, as after a crash.
    pub fn stop_immediate(&self) {
        run("pg_ctl stop", &mut self.pg_ctl(&["-m", "immediate", "-w", "stop"]));
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.pg_ctl(&["-m", "immediate", "-w", "stop"]).output();
    }
}

/// A redis-server child of the test, append-only like production.
pub struct Redis {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Redis {
    /// Starts one in `root/redis` on a free port.
    pub fn start(root: &Path) -> Self {
        let dir = root.join("redis");
        std::fs::create_dir_all(&dir).unwrap();
        let mut redis = Self { port: free_port(), dir, child: None };
        redis.start_again();
        redis
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts it (again) on the same port and directory; the append-only file
    /// brings back what it had acknowledged.
    pub fn start_again(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("redis.log"))
            .unwrap();
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--appendonly", "yes", "--save", ""])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::from(log))
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn redis-server");
        self.child = Some(child);
        let started = Instant::now();
        while !self.answers() {
            assert!(started.elapsed() < Duration::from_secs(60), "redis-server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: no shutdown, no final write.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    fn answers(&self) -> bool {
        Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "ping"])
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "PONG")
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}
