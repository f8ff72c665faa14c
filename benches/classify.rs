//! Classification benchmark: what judging one tracked request's user agent
//! costs (the isbot RegexSet, Herald's list, the device exceptions), over
//! the classification corpus in tests/data/user_agents.
//!
//!     cargo bench --bench classify -- --rounds 200
//!
//! Prints the time per agent for browsers (the common case: one pass of the
//! set) and for bots, and how long compiling the lists took.

use std::time::Instant;

use axum::http::{header, HeaderMap, HeaderValue, Method};
use herald::tracking::classify::classify;

fn corpus(files: &[&str]) -> Vec<HeaderMap> {
    files
        .iter()
        .flat_map(|file| {
            let path = format!("{}/tests/data/user_agents/{file}", env!("CARGO_MANIFEST_DIR"));
            std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}")).lines().map(str::to_owned).collect::<Vec<_>>()
        })
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|agent| {
            let mut headers = HeaderMap::new();
            headers.insert(header::USER_AGENT, HeaderValue::from_str(&agent).expect("a header value"));
            headers
        })
        .collect()
}

/// Nanoseconds per request over `rounds` passes of `requests`, and how many were automated.
fn measure(requests: &[HeaderMap], rounds: usize) -> (f64, usize) {
    let mut automated = 0;
    let started = Instant::now();
    for _ in 0..rounds {
        automated = requests.iter().filter(|headers| classify(&Method::GET, headers, false).automated).count();
    }
    (started.elapsed().as_nanos() as f64 / (rounds * requests.len()) as f64, automated)
}

fn main() {
    let mut rounds = 200;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--rounds" {
            rounds = args.next().and_then(|n| n.parse().ok()).expect("--rounds N");
        }
    }
    let started = Instant::now();
    herald::tracking::compile_agent_lists();
    let compiled = started.elapsed();
    let browsers = corpus(&["browsers.txt", "herald-browsers.txt"]);
    let bots = corpus(&["bots.txt", "herald-bots.txt"]);
    // One pass to warm the lazy DFA's cache, as a running server's is.
    measure(&browsers, 1);
    measure(&bots, 1);
    let (browser_ns, browsers_flagged) = measure(&browsers, rounds);
    let (bot_ns, bots_flagged) = measure(&bots, rounds);
    println!("compiling the lists: {:.1} ms", compiled.as_secs_f64() * 1000.0);
    println!("| agents | count | automated | ns per request |");
    println!("| --- | ---: | ---: | ---: |");
    println!("| browsers | {} | {browsers_flagged} | {browser_ns:.0} |", browsers.len());
    println!("| bots | {} | {bots_flagged} | {bot_ns:.0} |", bots.len());
}
