//! `kenes bench web`: how long the web UI takes to render its heaviest
//! pages for a big federation, measured over loopback HTTP.
//!
//! It builds the demo scaled up (`--scale` copies of its committees, each
//! with its own members), serves it with the real web server, and times
//! `--requests` sequential GETs of the situation board, the council with
//! the most affiliates, and the platform: median and p99 against the
//! limits below. The client is a few lines over `TcpStream`: one request
//! per connection, so the figures include connecting, as a browser's
//! first request does.
//!
//! Deliberation (issue 15): the founder's committee gets a thread of
//! `--comments` comments (10,000 by default; every tenth a reply to the one
//! before), and its first page, its last page and the committee's
//! discussions page are timed too.

use crate::context::Context;
use crate::output::{emit, progress};
use anyhow::{Context as _, Result, ensure};
use kenes_core::Verify;
use kenes_store::Store;
use kenes_store::datadir::DataDir;
use kenes_store::keyfile::KeyFile;
use kenes_sync::node::Node;
use serde_json::json;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// A page feels immediate below about a fifth of a second; a slow one
/// (p99) should still come within half a second on a cheap laptop.
const MEDIAN_LIMIT: Duration = Duration::from_millis(200);
const P99_LIMIT: Duration = Duration::from_millis(500);

/// Adds a thread of `comments` comments by `founder` to the first
/// committee they belong to, authored and ingested op by op as a node
/// would; returns the thread and its committee.
fn long_thread(
    founder: &kenes_core::SecretKey,
    ops: &mut Vec<Vec<u8>>,
    comments: usize,
) -> Result<(kenes_core::Hash, kenes_core::Hash)> {
    use kenes_core::body::Text;
    use kenes_core::{Body, Engine, Outcome};
    let federation = kenes_core::Op::decode(&ops[0])
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .id;
    let mut engine = Engine::new(federation);
    engine.ingest(ops, Verify::Trusted);
    let me = founder.public();
    let committee = engine
        .state()
        .committees
        .values()
        .find(|c| c.members.contains(&me))
        .map(|c| c.id)
        .context("the founder belongs to a committee")?;
    let mut time = (0..engine.len() as u32)
        .map(|o| engine.op_at(o).fields.time)
        .max()
        .unwrap_or(0);
    let mut post = |engine: &mut Engine, body: Body| -> Result<kenes_core::Hash> {
        time += 1_000;
        let op = engine.author(founder, body, time);
        engine.ingest(std::slice::from_ref(&op.bytes), Verify::Trusted);
        ensure!(
            engine.outcome_of(&op.id) == Some(Outcome::Applied),
            "a benchmark post was not applied"
        );
        ops.push(op.bytes);
        Ok(op.id)
    };
    let thread = post(
        &mut engine,
        Body::OpenThread {
            committee,
            title: "When does the strike start?".into(),
            text: Text::plain("The morning shift or the night shift? Gate 4 or the main gate?"),
        },
    )?;
    let bar = progress(comments as u64, "thread");
    let mut last = thread;
    for i in 0..comments {
        let target = if i % 10 == 9 { last } else { thread };
        last = post(
            &mut engine,
            Body::Comment {
                committee,
                target,
                text: Text::plain(format!(
                    "Comment {i}: the morning shift, gate 4, and bring water for everyone."
                )),
            },
        )?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok((thread, committee))
}

fn get(addr: SocketAddr, path: &str, token: &str) -> Result<usize> {
    let mut stream = TcpStream::connect(addr)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: kenes_session={token}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    ensure!(
        response.starts_with(b"HTTP/1.1 200"),
        "{path} answered {}",
        String::from_utf8_lossy(&response[..response.len().min(40)])
    );
    Ok(response.len())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Runs the benchmark.
pub fn run(ctx: &Context, scale: usize, requests: usize, comments: usize) -> Result<()> {
    ensure!(
        scale >= 1 && requests >= 2,
        "use --scale 1 or more and --requests 2 or more"
    );
    let bar = progress(4_300 * scale as u64, "building");
    let (founder, mut ops) = crate::demo::build(bar.clone(), scale)?;
    bar.finish_and_clear();
    let (thread, discussing) = long_thread(&founder, &mut ops, comments)?;
    let tmp = tempfile::tempdir()?;
    let data = DataDir::new(tmp.path());
    let federation = kenes_core::Op::decode(&ops[0])
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .id;
    std::fs::create_dir_all(data.federations_dir())?;
    let mut store = Store::create_empty(&data.database(&federation), federation)?;
    let bar = progress(ops.len() as u64, "storing");
    store.ingest_stream(&ops, 16_384, Verify::Trusted, |_, _, n| bar.inc(n as u64))?;
    bar.finish_and_clear();
    KeyFile::new(&founder, "bench", None)?.save(&data.key_file())?;
    let state = store.engine().state();
    let committees = state
        .committees
        .values()
        .filter(|c| !c.kind.is_council())
        .count();
    let members: std::collections::BTreeSet<_> = state
        .committees
        .values()
        .flat_map(|c| c.members.iter())
        .collect();
    let members = members.len();
    let council = state
        .committees
        .values()
        .filter(|c| c.kind.is_council())
        .max_by_key(|c| c.affiliates.len())
        .map(|c| (c.id, c.affiliates.len()))
        .context("the demo has councils")?;
    let op_count = store.engine().len();

    let node = Node::new(data, store, Some(founder));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let app = kenes_web::App::new(node, addr);
    let token = app.token().to_string();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        runtime.block_on(kenes_web::serve(listener, app, async {
            let _ = stop_rx.await;
        }))
    });

    let pages = [
        ("situation board", "/".to_string()),
        ("council page", format!("/committee/{}", council.0.to_hex())),
        ("platform", "/platform".to_string()),
        ("thread, page 1", format!("/discussion/{}", thread.to_hex())),
        (
            "thread, last",
            format!(
                "/discussion/{}?page={}",
                thread.to_hex(),
                comments.div_ceil(kenes_web::deliberation::PAGE).max(1)
            ),
        ),
        (
            "discussions",
            format!("/discussion/{}", discussing.to_hex()),
        ),
    ];
    let mut rows = Vec::new();
    for (name, path) in &pages {
        let bar = progress(requests as u64, name);
        let mut times = Vec::with_capacity(requests);
        let mut bytes = 0;
        for _ in 0..requests {
            let started = Instant::now();
            bytes = get(addr, path, &token)?;
            times.push(started.elapsed());
            bar.inc(1);
        }
        bar.finish_and_clear();
        times.sort();
        rows.push((
            *name,
            percentile(&times, 0.5),
            percentile(&times, 0.99),
            bytes,
        ));
    }
    let _ = stop_tx.send(());
    let _ = server.join();

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let value = json!({
        "scale": scale,
        "committees": committees,
        "members": members,
        "ops": op_count,
        "council_affiliates": council.1,
        "thread_comments": comments,
        "requests": requests,
        "median_limit_ms": ms(MEDIAN_LIMIT),
        "p99_limit_ms": ms(P99_LIMIT),
        "pages": rows.iter().map(|(name, median, p99, bytes)| json!({
            "page": name, "median_ms": ms(*median), "p99_ms": ms(*p99), "bytes": bytes,
            "within_limits": *median <= MEDIAN_LIMIT && *p99 <= P99_LIMIT,
        })).collect::<Vec<_>>(),
    });
    emit(ctx.json, &value, || {
        let mut lines = vec![
            "kenes bench web".to_string(),
            format!(
                "demo ×{scale}: {committees} committees, {members} members, {op_count} ops; the council has {} affiliates",
                council.1
            ),
            format!("a thread of {comments} comments in one committee"),
            format!(
                "{requests} requests per page over loopback; limits: median {:.0} ms, p99 {:.0} ms",
                ms(MEDIAN_LIMIT),
                ms(P99_LIMIT)
            ),
            format!(
                "{:<16} {:>12} {:>12} {:>10}",
                "page", "median ms", "p99 ms", "bytes"
            ),
        ];
        for (name, median, p99, bytes) in &rows {
            lines.push(format!(
                "{name:<16} {:>12.1} {:>12.1} {bytes:>10}   {}",
                ms(*median),
                ms(*p99),
                if *median <= MEDIAN_LIMIT && *p99 <= P99_LIMIT {
                    "within limits"
                } else {
                    "OVER LIMIT"
                }
            ));
        }
        lines.join("\n")
    });
    Ok(())
}
