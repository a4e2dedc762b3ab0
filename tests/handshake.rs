//! End-to-end tests of the go-plugin side: the binary is started the way Terraform starts it
//! and talked to over the announced socket, with AutoMTLS using a Terraform-like P-521 client
//! certificate.

mod support;

use std::time::Duration;

use support::plugin::{
    ClientCert, Finished, Plugin, SERVING, bare_command, check_hclog_line, connect_plain,
    connect_tls, health_check, run_to_exit, shutdown, terraform_command,
};

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Generous bound for a clean exit after a signal.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

fn assert_exited_cleanly(finished: &Finished) {
    assert!(
        finished.status.success(),
        "exit status {:?}, stderr:\n{}",
        finished.status,
        finished.stderr
    );
    assert!(
        finished.stdout_rest.is_empty(),
        "stdout after the handshake line: {:?}",
        String::from_utf8_lossy(&finished.stdout_rest)
    );
}

#[test]
fn refuses_to_run_without_magic_cookie() -> TestResult {
    let (status, stdout, stderr) = run_to_exit(bare_command())?;
    assert_eq!(status.code(), Some(1));
    assert!(stdout.is_empty(), "stdout: {stdout:?}");
    assert!(stderr.contains("plugin"), "stderr: {stderr}");
    assert!(stderr.contains("Terraform"), "stderr: {stderr}");
    assert!(stderr.contains("not a command to run"), "stderr: {stderr}");
    Ok(())
}

#[test]
fn refuses_protocol_5_only() -> TestResult {
    let mut cmd = terraform_command(None);
    cmd.env("PLUGIN_PROTOCOL_VERSIONS", "5");
    let (status, stdout, stderr) = run_to_exit(cmd)?;
    assert_eq!(status.code(), Some(1));
    assert!(stdout.is_empty(), "stdout: {stdout:?}");
    assert!(stderr.contains("protocol 6"), "stderr: {stderr}");
    Ok(())
}

#[test]
fn version_flag() -> TestResult {
    let mut cmd = bare_command();
    cmd.arg("--version");
    let (status, stdout, _) = run_to_exit(cmd)?;
    assert!(status.success());
    assert_eq!(
        stdout,
        format!("terraform-provider-pca {}\n", env!("CARGO_PKG_VERSION"))
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automtls_health_then_shutdown_exits_promptly() -> TestResult {
    let client = ClientCert::terraform_like()?;
    let mut plugin = Plugin::start(terraform_command(Some(&client)))?;
    let hs = plugin.handshake.clone();
    assert!(
        hs.line.starts_with("1|6|unix|") && hs.line.contains("|grpc|"),
        "{}",
        hs.line
    );
    assert!(!hs.line.ends_with('='), "{}", hs.line);
    let Some(socket) = hs.socket_path() else {
        return Err("not a unix socket".into());
    };
    assert!(socket.exists());
    let socket_dir = socket.parent().map(|p| p.to_path_buf());

    let channel = connect_tls(&hs, &client).await?;
    assert_eq!(health_check(channel.clone()).await?, SERVING);

    shutdown(channel).await?;
    let exited = plugin.wait_exit(EXIT_TIMEOUT);
    let Some((status, took)) = exited else {
        return Err(
            format!("process still running {EXIT_TIMEOUT:?} after the Shutdown reply").into(),
        );
    };
    assert!(status.success(), "status {status:?}");
    // Typically a few ms; the bound leaves room for a loaded machine but stays below the
    // 1 s connection drain, which an exit that waited for it would show.
    assert!(took < Duration::from_millis(900), "took {took:?}");
    eprintln!("provider exited {took:?} after the Shutdown reply");
    assert!(!socket.exists(), "socket {socket:?} left behind");
    if let Some(dir) = socket_dir {
        assert!(!dir.exists(), "socket dir {dir:?} left behind");
    }
    assert_exited_cleanly(&plugin.finish(EXIT_TIMEOUT)?);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_client_cert_and_plaintext_are_refused() -> TestResult {
    let client = ClientCert::terraform_like()?;
    let stranger = ClientCert::terraform_like()?;
    let plugin = Plugin::start(terraform_command(Some(&client)))?;
    let hs = plugin.handshake.clone();

    // A different P-521 CA:TRUE certificate: the TLS handshake or the first RPC must fail.
    let attempt = async {
        let channel = connect_tls(&hs, &stranger).await?;
        health_check(channel).await.map_err(Into::into)
    };
    let result: Result<i32, Box<dyn std::error::Error + Send + Sync>> =
        tokio::time::timeout(Duration::from_secs(10), attempt).await?;
    assert!(result.is_err(), "a foreign client certificate was accepted");

    // Plaintext while AutoMTLS is on.
    let attempt = async {
        let channel = connect_plain(&hs).await?;
        health_check(channel).await.map_err(Into::into)
    };
    let result: Result<i32, Box<dyn std::error::Error + Send + Sync>> =
        tokio::time::timeout(Duration::from_secs(10), attempt).await?;
    assert!(result.is_err(), "a plaintext client was served");

    // The failed handshakes did not hurt the server.
    let channel = connect_tls(&hs, &client).await?;
    assert_eq!(health_check(channel.clone()).await?, SERVING);
    shutdown(channel).await?;
    let finished = plugin.finish(EXIT_TIMEOUT)?;
    assert_exited_cleanly(&finished);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tf_log_gives_hclog_json_on_stderr() -> TestResult {
    let client = ClientCert::terraform_like()?;
    let stranger = ClientCert::terraform_like()?;
    let mut cmd = terraform_command(Some(&client));
    cmd.env("TF_LOG", "debug");
    let plugin = Plugin::start(cmd)?;
    let hs = plugin.handshake.clone();
    // Provoke a warning too (failed TLS handshake).
    if let Ok(channel) = connect_tls(&hs, &stranger).await {
        let _ = health_check(channel).await;
    }
    let channel = connect_tls(&hs, &client).await?;
    assert_eq!(health_check(channel.clone()).await?, SERVING);
    shutdown(channel).await?;
    let finished = plugin.finish(EXIT_TIMEOUT)?;
    assert_exited_cleanly(&finished);

    let lines: Vec<&str> = finished.stderr.lines().collect();
    assert!(lines.len() >= 2, "too few log lines:\n{}", finished.stderr);
    for line in &lines {
        check_hclog_line(line)?;
    }
    assert!(
        finished.stderr.contains("\"@level\":\"warn\""),
        "the failed TLS handshake was not logged:\n{}",
        finished.stderr
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_logs_without_tf_log() -> TestResult {
    let client = ClientCert::terraform_like()?;
    let plugin = Plugin::start(terraform_command(Some(&client)))?;
    let channel = connect_tls(&plugin.handshake, &client).await?;
    shutdown(channel).await?;
    let finished = plugin.finish(EXIT_TIMEOUT)?;
    assert_exited_cleanly(&finished);
    assert!(finished.stderr.is_empty(), "stderr: {}", finished.stderr);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_is_ignored_sigterm_stops() -> TestResult {
    let client = ClientCert::terraform_like()?;
    let mut plugin = Plugin::start(terraform_command(Some(&client)))?;
    let hs = plugin.handshake.clone();
    let channel = connect_tls(&hs, &client).await?;
    assert_eq!(health_check(channel.clone()).await?, SERVING);

    plugin.signal("INT")?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(plugin.try_status().is_none(), "SIGINT killed the provider");
    assert_eq!(health_check(channel.clone()).await?, SERVING);
    let fresh = connect_tls(&hs, &client).await?;
    assert_eq!(health_check(fresh).await?, SERVING);

    plugin.signal("TERM")?;
    let finished = plugin.finish(EXIT_TIMEOUT)?;
    assert_exited_cleanly(&finished);
    if let Some(socket) = hs.socket_path() {
        assert!(!socket.exists(), "socket {socket:?} left behind");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_option_and_socket_dir() -> TestResult {
    let client = ClientCert::terraform_like()?;

    // TCP within the port range, TLS on.
    let mut cmd = terraform_command(Some(&client));
    cmd.env("PLUGIN_NETWORK", "tcp")
        .env("PLUGIN_MIN_PORT", "20000")
        .env("PLUGIN_MAX_PORT", "24999");
    let plugin = Plugin::start(cmd)?;
    let hs = plugin.handshake.clone();
    assert_eq!(hs.network, "tcp", "{}", hs.line);
    let port: u16 = hs
        .address
        .strip_prefix("127.0.0.1:")
        .ok_or("not on 127.0.0.1")?
        .parse()?;
    assert!((20000..=24999).contains(&port), "port {port}");
    let channel = connect_tls(&hs, &client).await?;
    assert_eq!(health_check(channel.clone()).await?, SERVING);
    shutdown(channel).await?;
    assert_exited_cleanly(&plugin.finish(EXIT_TIMEOUT)?);

    // PLUGIN_UNIX_SOCKET_DIR: socket created there, removed at exit, directory kept.
    let dir = tempfile::tempdir()?;
    let mut cmd = terraform_command(Some(&client));
    cmd.env("PLUGIN_UNIX_SOCKET_DIR", dir.path());
    let plugin = Plugin::start(cmd)?;
    let hs = plugin.handshake.clone();
    let socket = hs.socket_path().ok_or("not a unix socket")?;
    assert_eq!(socket.parent(), Some(dir.path()));
    let channel = connect_tls(&hs, &client).await?;
    shutdown(channel).await?;
    assert_exited_cleanly(&plugin.finish(EXIT_TIMEOUT)?);
    assert!(dir.path().exists());
    assert_eq!(
        std::fs::read_dir(dir.path())?.count(),
        0,
        "socket left behind"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_mode_prints_reattach_and_stops_on_ctrl_c() -> TestResult {
    use std::io::BufRead as _;

    let mut cmd = bare_command();
    cmd.arg("--debug");
    let mut child = cmd.spawn()?;
    let stdout = child.stdout.take().ok_or("stdout not piped")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let reattach = loop {
        let line = rx.recv_timeout(Duration::from_secs(30))?;
        if let Some(rest) = line.trim().strip_prefix("export TF_REATTACH_PROVIDERS=") {
            break rest
                .strip_prefix('\'')
                .and_then(|r| r.strip_suffix('\''))
                .ok_or("not single-quoted")?
                .to_owned();
        }
    };
    let json: serde_json::Value = serde_json::from_str(&reattach)?;
    let entry = &json["registry.terraform.io/ncloud-community/pca"];
    assert_eq!(entry["Protocol"], "grpc");
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Pid"], child.id());
    assert_eq!(entry["Addr"]["Network"], "unix");
    let path = entry["Addr"]["String"]
        .as_str()
        .ok_or("no address")?
        .to_owned();

    let hs = support::plugin::Handshake {
        line: String::new(),
        network: "unix".into(),
        address: path.clone(),
        server_cert_der: None,
    };
    let channel = connect_plain(&hs).await?;
    assert_eq!(health_check(channel).await?, SERVING);

    let status = std::process::Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status()?;
    assert!(status.success());
    let deadline = std::time::Instant::now() + EXIT_TIMEOUT;
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            return Err("debug-mode provider ignored Ctrl-C".into());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert!(status.success(), "{status:?}");
    assert!(!std::path::Path::new(&path).exists());
    Ok(())
}
