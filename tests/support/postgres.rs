//! A private PostgreSQL cluster for a test: `initdb` into a temporary directory, `pg_ctl start`
//! on a free loopback port (its socket in that directory too), PostGIS in a template database
//! each new database is made from; stopped and removed when dropped, however the test ends.
//! Nothing global is touched. PostgreSQL refuses to run as root: as root (CI), the cluster is
//! made and run by the user `nobody`.
//!
//! Without PostgreSQL and PostGIS installed, a test fails here, saying what to install.

use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

/// Its superuser; trusted on loopback, so URLs need no password.
pub const USER: &str = "eventmap";
const TEMPLATE: &str = "eventmap_template";

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    as_nobody: bool,
    databases: AtomicU32,
}

/// Where PostgreSQL's programs are: EVENTMAP_PG_BIN, else `pg_ctl`'s directory on PATH, else
/// Debian's newest /usr/lib/postgresql/N/bin.
fn bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("EVENTMAP_PG_BIN") {
        return PathBuf::from(dir);
    }
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .find(|d| d.join("pg_ctl").is_file() && d.join("initdb").is_file())
    });
    if let Some(dir) = on_path {
        return dir;
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
                .collect()
        })
        .unwrap_or_default();
    versions.retain(|d| d.join("initdb").is_file());
    versions.sort();
    versions.pop().unwrap_or_else(|| {
        panic!(
            "PostgreSQL is not installed (no initdb/pg_ctl on PATH or in /usr/lib/postgresql): \
             apt-get install postgresql postgresql-15-postgis-3 (.ci/run does)"
        )
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Cluster {
    /// A new cluster, started, with the PostGIS template ready.
    pub fn start() -> Cluster {
        let bin = bin_dir();
        let dir = tempfile::tempdir().expect("a temporary directory");
        let as_nobody = std::fs::metadata("/proc/self")
            .map(|m| m.uid())
            .unwrap_or(1)
            == 0;
        if as_nobody {
            let chown = Command::new("chown")
                .args(["nobody:nogroup"])
                .arg(dir.path())
                .status()
                .expect("chown runs");
            assert!(
                chown.success(),
                "cannot give the cluster directory to nobody"
            );
        }
        let cluster = Cluster {
            dir,
            bin,
            port: free_port(),
            as_nobody,
            databases: AtomicU32::new(0),
        };
        let data = cluster.data_dir();
        cluster.run(
            "initdb",
            &[
                "--no-sync",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "-U",
                USER,
                "-D",
            ],
            Some(&data),
        );
        cluster.start_again();
        cluster.sql("postgres", &format!("CREATE DATABASE {TEMPLATE}"));
        let postgis = cluster.try_sql(TEMPLATE, "CREATE EXTENSION postgis");
        if let Err(e) = postgis {
            panic!(
                "PostGIS is not installed ({e}): apt-get install postgresql-15-postgis-3 \
                 (.ci/run does)"
            );
        }
        cluster
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs one of PostgreSQL's programs (as `nobody` when we are root), which must succeed.
    fn run(&self, tool: &str, args: &[&str], last: Option<&Path>) -> Output {
        let program = self.bin.join(tool);
        let mut command = if self.as_nobody {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        command.args(args);
        if let Some(path) = last {
            command.arg(path);
        }
        // The cluster's own directory: nobody may not be able to read ours.
        command.current_dir(self.dir.path());
        let out = command
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
        assert!(
            out.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Starts the cluster (again, after [`Cluster::stop`]), on the same port.
    pub fn start_again(&self) {
        let options = format!(
            "-k {} -p {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.dir.path().display(),
            self.port
        );
        let log = self.dir.path().join("log");
        let data = self.data_dir();
        let log = log.to_string_lossy();
        let data = data.to_string_lossy();
        self.run(
            "pg_ctl",
            &[
                "start", "-w", "-t", "30", "-D", &data, "-l", &log, "-o", &options,
            ],
            None,
        );
    }

    /// Stops the cluster at once (connections are cut, as when a database server goes away).
    pub fn stop(&self) {
        let data = self.data_dir();
        self.run(
            "pg_ctl",
            &["stop", "-m", "fast", "-w", "-D", &data.to_string_lossy()],
            None,
        );
    }

    pub fn url(&self, db: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{db}", self.port)
    }

    fn try_sql(&self, db: &str, sql: &str) -> Result<(), postgres::Error> {
        let mut client = postgres::Client::connect(&self.url(db), postgres::NoTls)?;
        client.batch_execute(sql)
    }

    /// Runs `sql` on database `db`, which must succeed.
    pub fn sql(&self, db: &str, sql: &str) {
        self.try_sql(db, sql)
            .unwrap_or_else(|e| panic!("{sql:?} on {db} failed: {e}"));
    }

    /// A new empty database with PostGIS; its URL.
    pub fn database(&self) -> String {
        let n = self.databases.fetch_add(1, Ordering::SeqCst);
        let name = format!("eventmap_{n}");
        self.sql(
            "postgres",
            &format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE}"),
        );
        self.url(&name)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data_dir();
        let program = self.bin.join("pg_ctl");
        let mut command = if self.as_nobody {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let _ = command
            .args(["stop", "-m", "immediate", "-w", "-D"])
            .arg(&data)
            .current_dir(self.dir.path())
            .output();
    }
}
