//! A real MQTT broker for tests: mosquitto (Debian's package, installed by
//! `cargo xtask test`) on 127.0.0.1 and a free port, with its own config
//! file given by `-c`, optionally TLS (a CA and a server certificate made
//! with `openssl`) and a password file (`mosquitto_passwd`). Stopped, and
//! its folder removed, when dropped.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What the broker asks of clients.
#[derive(Debug, Clone, Default)]
pub struct BrokerOptions {
    /// Serve TLS with a CA of its own (its certificate in [`Mosquitto::ca`]).
    pub tls: bool,
    /// Refuse anonymous clients; this user and password may connect.
    pub login: Option<(String, String)>,
}

pub struct Mosquitto {
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("its address")
        .port()
}

fn run(cmd: &mut Command) {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA and a certificate for 127.0.0.1 / localhost it signed, in `dir`.
fn make_certificates(dir: &Path) {
    let path = |name: &str| dir.join(name);
    run(Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Summit Kiosk test CA",
        ])
        .arg("-keyout")
        .arg(path("ca.key"))
        .arg("-out")
        .arg(path("ca.pem")));
    run(Command::new("openssl")
        .args([
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
        ])
        .arg("-keyout")
        .arg(path("server.key"))
        .arg("-out")
        .arg(path("server.csr")));
    std::fs::write(
        path("ext.cnf"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .expect("write the certificate's extensions");
    run(Command::new("openssl")
        .args(["x509", "-req", "-days", "2", "-CAcreateserial"])
        .arg("-in")
        .arg(path("server.csr"))
        .arg("-CA")
        .arg(path("ca.pem"))
        .arg("-CAkey")
        .arg(path("ca.key"))
        .arg("-extfile")
        .arg(path("ext.cnf"))
        .arg("-out")
        .arg(path("server.pem")));
}

impl Mosquitto {
    /// A plain broker that takes anyone.
    pub fn start() -> Mosquitto {
        Mosquitto::start_with(BrokerOptions::default())
    }

    pub fn start_with(options: BrokerOptions) -> Mosquitto {
        let dir = std::env::temp_dir().join(format!(
            "summit-kiosk-mosquitto-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).expect("a folder for the broker");
        let port = free_port();
        // Started as root, mosquitto would drop to its own user, who cannot
        // read this folder's key and password files: it stays as whoever
        // runs the tests (the option means nothing to anyone else).
        let me = Command::new("id")
            .arg("-un")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        let mut config = format!(
            "per_listener_settings false\npersistence false\nlog_dest stderr\nlog_type error\nlog_type warning\n\
             listener {port} 127.0.0.1\n"
        );
        if !me.is_empty() {
            config.push_str(&format!("user {me}\n"));
        }
        if options.tls {
            make_certificates(&dir);
            config.push_str(&format!(
                "cafile {}\ncertfile {}\nkeyfile {}\n",
                dir.join("ca.pem").display(),
                dir.join("server.pem").display(),
                dir.join("server.key").display()
            ));
        }
        match &options.login {
            Some((user, password)) => {
                let file = dir.join("passwords");
                run(Command::new("mosquitto_passwd")
                    .args(["-b", "-c"])
                    .arg(&file)
                    .args([user, password]));
                config.push_str(&format!(
                    "allow_anonymous false\npassword_file {}\n",
                    file.display()
                ));
            }
            None => config.push_str("allow_anonymous true\n"),
        }
        let conf = dir.join("mosquitto.conf");
        std::fs::write(&conf, config).expect("write the broker's config");
        // Debian puts it in /usr/sbin, which is not on a user's PATH.
        let program = ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .unwrap_or("mosquitto");
        let child = Command::new(program)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start mosquitto: run `cargo xtask test`, which installs it");
        let broker = Mosquitto { port, dir, child };
        let since = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                since.elapsed() < Duration::from_secs(10),
                "mosquitto did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        broker
    }

    /// `mqtt://127.0.0.1:PORT/CONF` (`mqtts://localhost…` with TLS).
    pub fn url(&self, conference: &str) -> String {
        format!("mqtt://127.0.0.1:{}/{conference}", self.port)
    }

    /// The CA certificate (PEM) of a TLS broker.
    pub fn ca(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// The broker's process id (to stop it as a crash would).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
