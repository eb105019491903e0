//! A real `redis-server` for the tests: started on a free loopback port, without persistence,
//! stopped (killed) when dropped, and restartable on the same port.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// How long `redis-server` may take to answer its first `PING`.
const START_LIMIT: Duration = Duration::from_secs(15);

pub struct RedisServer {
    port: u16,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts `redis-server` on a free loopback port and waits until it answers.
    pub async fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();
        let mut server = Self { port, child: None };
        server.run().await;
        server
    }

    /// `redis://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server (as a crash would) and waits until it is gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts a new, empty server on the same port.
    pub async fn restart(&mut self) {
        self.kill();
        self.run().await;
    }

    /// Sends one command, e.g. `["CLIENT", "PAUSE", "60000", "WRITE"]`, on a connection of its own.
    pub async fn command<T: redis::FromRedisValue>(&self, args: &[&str]) -> T {
        let mut connection = self.connection().await.expect("connect to redis-server");
        let mut command = redis::cmd(args[0]);
        for arg in &args[1..] {
            command.arg(*arg);
        }
        command
            .query_async(&mut connection)
            .await
            .unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }

    async fn connection(&self) -> redis::RedisResult<redis::aio::MultiplexedConnection> {
        redis::Client::open(self.url())?
            .get_multiplexed_async_connection()
            .await
    }

    async fn run(&mut self) {
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
            .arg("--dir")
            .arg(std::env::temp_dir())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|error| match error.kind() {
                std::io::ErrorKind::NotFound => panic!(
                    "redis-server is not installed; these tests run against a real Redis \
                     (Debian: apt-get install -y redis-server)"
                ),
                _ => panic!("cannot start redis-server: {error}"),
            });
        self.child = Some(child);
        let started = tokio::time::Instant::now();
        loop {
            if let Ok(mut connection) = self.connection().await {
                let pong: redis::RedisResult<String> =
                    redis::cmd("PING").query_async(&mut connection).await;
                if pong.is_ok() {
                    return;
                }
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("redis-server exited on port {}: {status}", self.port);
            }
            assert!(
                started.elapsed() < START_LIMIT,
                "redis-server did not answer on port {} within {START_LIMIT:?}",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
