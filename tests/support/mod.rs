//! Shared helpers for tests that run the real binary: an isolated environment (no AWS
//! credentials, no metadata service, temporary home) and a pseudo-terminal driver.

#![allow(dead_code)]

pub mod fake_hub;

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_rampart");

/// Environment for a run that must not find credentials or touch the network.
pub fn isolated_env(home: &Path) -> Vec<(String, String)> {
    let h = home.display().to_string();
    vec![
        ("HOME".into(), h.clone()),
        ("XDG_CONFIG_HOME".into(), format!("{h}/.config")),
        ("XDG_STATE_HOME".into(), format!("{h}/.local/state")),
        ("XDG_DATA_HOME".into(), format!("{h}/.local/share")),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ("AWS_CONFIG_FILE".into(), format!("{h}/aws-config")),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            format!("{h}/aws-credentials"),
        ),
        ("TERM".into(), "xterm-256color".into()),
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
    ]
}

/// Account 111111111111 in us-east-1 as the live source reaches it, without a profile.
pub fn local_account() -> rampart::source::aws::session::AccountAccess {
    rampart::source::aws::session::AccountAccess {
        account_id: Some("111111111111".into()),
        name: "one".into(),
        environment: "prod".into(),
        profile: None,
        role_arn: None,
        external_id: None,
        session_name: None,
        regions: vec!["us-east-1".into()],
    }
}

/// Every client to the local endpoint at `url`, signed with test keys of this id.
pub fn local_session(url: &str, key: &str) -> rampart::source::aws::session::SessionOptions {
    rampart::source::aws::session::SessionOptions {
        endpoint_url: Some(url.into()),
        ca_bundle: None,
        credentials: Some(test_keys(key)),
        http_client: None,
    }
}

/// A source running on the current runtime: its updates, the command sender (the source
/// stops when every sender is gone), the token that stops it, and its task.
pub type Running = (
    tokio::sync::mpsc::Receiver<rampart::feed::Update>,
    tokio::sync::mpsc::Sender<rampart::feed::Command>,
    tokio_util::sync::CancellationToken,
    tokio::task::JoinHandle<()>,
);

/// Starts `source` with an update channel of `capacity`.
pub fn spawn_source(source: Box<dyn rampart::source::Source>, capacity: usize) -> Running {
    let (tx, rx) = tokio::sync::mpsc::channel(capacity);
    let (commands_tx, commands) = tokio::sync::mpsc::channel(4);
    let cancel = tokio_util::sync::CancellationToken::new();
    let task = tokio::spawn(source.run(rampart::source::SourceContext {
        updates: tx,
        commands,
        cancel: cancel.clone(),
    }));
    (rx, commands_tx, cancel, task)
}

/// Fixed test keys with this access key id, as a credentials provider.
pub fn test_keys(key: &str) -> aws_credential_types::provider::SharedCredentialsProvider {
    aws_credential_types::provider::SharedCredentialsProvider::new(
        aws_credential_types::Credentials::new(
            key,
            "testtesttesttesttesttesttesttesttesttest",
            None,
            None,
            "rampart-test",
        ),
    )
}

/// For tests that build AWS clients in this process: sets, once, what the SDK reads from
/// the environment: no metadata service, a temporary HOME and AWS files, and no proxy (a
/// machine's proxy would otherwise get the requests meant for 127.0.0.1).
pub fn isolate_aws_env() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let home = tempfile::tempdir().unwrap().keep();
        // Set before any client exists; the tests only read it afterwards.
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        std::env::set_var("HOME", &home);
        std::env::set_var("AWS_CONFIG_FILE", home.join("config"));
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"));
        for proxy in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
            std::env::remove_var(proxy);
            std::env::remove_var(proxy.to_lowercase());
        }
        std::env::set_var("NO_PROXY", "*");
        std::env::set_var("no_proxy", "*");
    });
}

/// The binary running in a pseudo-terminal, with everything it printed collected.
pub struct PtyRun {
    pub child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Vec<u8>>>,
    /// The screen as a terminal would show it: ratatui writes only changed cells, so a
    /// word on screen is often not a contiguous string in the byte stream.
    screen: Arc<Mutex<vt100::Parser>>,
}

impl PtyRun {
    pub fn start(args: &[&str], home: &Path, size: (u16, u16)) -> PtyRun {
        PtyRun::start_with_env(args, home, size, &[])
    }

    pub fn start_with_env(
        args: &[&str],
        home: &Path,
        size: (u16, u16),
        extra: &[(&str, &str)],
    ) -> PtyRun {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: size.1,
                cols: size.0,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.env_clear();
        for (k, v) in isolated_env(home) {
            cmd.env(k, v);
        }
        for (k, v) in extra {
            cmd.env(k, v);
        }
        cmd.cwd(home);
        let child = pty.slave.spawn_command(cmd).expect("spawn rampart");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let output = Arc::new(Mutex::new(Vec::new()));
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            nonzero(size.1),
            nonzero(size.0),
            0,
        )));
        let (sink, term) = (output.clone(), screen.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
                term.lock().unwrap().process(&buf[..n]);
            }
        });
        PtyRun {
            child,
            master: pty.master,
            writer,
            output,
            screen,
        }
    }

    pub fn output(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.output()).into_owned()
    }

    /// Waits until the output contains `needle` (after `from` bytes), or panics after 30 s.
    pub fn wait_for(&self, needle: &str, from: usize) -> usize {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let out = self.output();
            let hay = String::from_utf8_lossy(&out[from.min(out.len())..]).into_owned();
            if hay.contains(needle) {
                return out.len();
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {needle:?}; got {} bytes:\n{}",
                    out.len(),
                    String::from_utf8_lossy(&out)
                        .chars()
                        .rev()
                        .take(3000)
                        .collect::<String>()
                        .chars()
                        .rev()
                        .collect::<String>()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The visible screen's text, one line per row.
    pub fn screen(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the visible screen shows `needle`, or panics after 30 s with the screen.
    pub fn wait_for_screen(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if self.screen().contains(needle) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {needle:?} on screen; it shows:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// True if the screen shows `needle` now or within `wait`.
    pub fn shows_within(&self, needle: &str, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline {
            if self.screen().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.screen().contains(needle)
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Give the console a moment to draw, as a person would.
        std::thread::sleep(Duration::from_millis(150));
    }

    pub fn len(&self) -> usize {
        self.output.lock().unwrap().len()
    }

    /// Waits for the process to exit (30 s at most) and returns its exit code.
    pub fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread drain the last bytes.
                std::thread::sleep(Duration::from_millis(200));
                return status.exit_code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "rampart did not exit; output tail: {}",
                    self.text().chars().rev().take(2000).collect::<String>()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn resize(&self, cols: u16, rows: u16) {
        self.screen
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(nonzero(rows), nonzero(cols));
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }
}

/// Whether the output's last alternate-screen switch is the one that leaves it, and the
/// cursor was shown again after it.
pub fn left_alternate_screen(out: &[u8]) -> bool {
    let s = String::from_utf8_lossy(out);
    let entered = s.rfind("\u{1b}[?1049h");
    let left = s.rfind("\u{1b}[?1049l");
    matches!((entered, left), (Some(e), Some(l)) if l > e)
        && s[left.unwrap()..].contains("\u{1b}[?25h")
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a terminal dimension is never zero")
}
