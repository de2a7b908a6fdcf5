//! `/v1/decide` and `/v1/decide/batch` answer exactly what `crmc eval`
//! prints (crmc_eval's own `decide_line` / `decide_batch`), with the
//! server's checks on top: `at` defaults to the server clock and may not be
//! skewed, bodies are bounded, routes and methods are checked.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use crmc_eval::{decide_batch, decide_line, Table};
use serde_json::Value;
use support::*;

fn far(years_ago: i64) -> String {
    // A fixed, valid timestamp far from now (the test clock is 2026+).
    format!("{}-06-01T00:00:00Z", 2000 - years_ago)
}

#[test]
fn a_decision_is_byte_for_byte_the_eval_line() {
    let dir = workdir("bytes");
    let bytes = table_bytes(1, false);
    let table = Table::from_bytes(&bytes).unwrap();
    let srv = start(config_with_table(&dir, &bytes)).unwrap();
    let now = now_text();
    let cases = [
        (mutation(Some(&now), "null"), 200),
        (mutation(Some(&now), r#""Retail""#), 200),
        (
            format!(r#"{{"id":"m-1",{}"#, &mutation(Some(&now), "null")[1..]),
            200,
        ),
        ("{not json".to_string(), 400),
        ("[1,2]".to_string(), 400),
        ("   ".to_string(), 400),
        // A repeated key is an error, never last-one-wins (decisions.md 7).
        (
            mutation(Some(&now), "null").replacen(
                r#""event":"update""#,
                r#""event":"update","event":"delete""#,
                1,
            ),
            400,
        ),
        (
            mutation(Some(&now), "null").replace(r#","changes":{"Industry":"Banking"}"#, ""),
            400,
        ),
    ];
    let mut c = Client::connect(srv.addr);
    for (body, status) in &cases {
        let r = c.send("POST", "/v1/decide", &[], body.as_bytes());
        let expected = if body.trim().is_empty() {
            decide_batch(&table, body).join("\n")
        } else {
            decide_line(&table, body, 1)
        };
        assert_eq!(r.body, format!("{expected}\n"), "{body}");
        assert_eq!(r.status, *status, "{body}: {}", r.body);
        if r.status != 200 {
            assert!(!r.body.contains(r#""outcome":"auto""#), "{}", r.body);
        }
    }
    srv.stop().unwrap();
}

#[test]
fn a_batch_is_eval_on_the_same_lines_ndjson_or_array() {
    let dir = workdir("batch");
    let bytes = table_bytes(1, false);
    let table = Table::from_bytes(&bytes).unwrap();
    let srv = start(config_with_table(&dir, &bytes)).unwrap();
    let now = now_text();
    let items = [
        mutation(Some(&now), "null"),
        "{broken".to_string(),
        String::new(),
        mutation(Some(&now), r#""Retail""#),
    ];
    let ndjson = items.join("\r\n") + "\n";
    let r = request(srv.addr, "POST", "/v1/decide/batch", &[], ndjson.as_bytes());
    assert_eq!(r.status, 200);
    let expected: String = decide_batch(&table, &ndjson)
        .into_iter()
        .map(|l| l + "\n")
        .collect();
    assert_eq!(r.body, expected);
    assert_eq!(r.body.lines().count(), 4);

    // An array: a JSON array of the same answers, element N's is line N.
    let array = format!("[{}, {}, 7]", items[0], items[3]);
    let r = request(srv.addr, "POST", "/v1/decide/batch", &[], array.as_bytes());
    assert_eq!(r.status, 200);
    let expected = [
        decide_line(&table, &items[0], 1),
        decide_line(&table, &items[3], 2),
        decide_line(&table, "7", 3),
    ];
    assert_eq!(r.body, format!("[{}]\n", expected.join(",")));
    let r = request(srv.addr, "POST", "/v1/decide/batch", &[], b"[1,");
    assert_eq!(r.status, 400);
    assert!(r.body.starts_with(r#"{"error":{"line":1,"#), "{}", r.body);
    srv.stop().unwrap();
}

/// `[{..},{..}]` in → a JSON array of the answer objects `crmc eval`
/// prints for the same items as NDJSON lines, in order, bad elements' error
/// objects in their places; a body that is no JSON array, or one nested
/// deeper than the evaluator reads, is one 400 error object.
#[test]
fn a_json_array_batch_is_answered_as_a_json_array() {
    let dir = workdir("array");
    let bytes = table_bytes(1, false);
    let table = Table::from_bytes(&bytes).unwrap();
    let srv = start(config_with_table(&dir, &bytes)).unwrap();
    let now = now_text();
    let good_auto = mutation(Some(&now), "null");
    let good_review = mutation(Some(&now), r#""Retail""#);
    let items: Vec<String> = vec![
        good_auto.clone(),
        "7".to_string(),
        r#""a string""#.to_string(),
        "null".to_string(),
        "[1,2]".to_string(),
        "{}".to_string(),
        r#"{"object":"Lead","event":"update"}"#.to_string(),
        // A repeated key is an error, never last-one-wins.
        good_auto.replacen(
            r#""Industry":"Banking""#,
            r#""Industry":"Banking","Industry":"X""#,
            1,
        ),
        format!(
            r#"{{"object":"Nope","event":"update","at":"{now}","actor":{{"kind":"ai","name":"alim"}},"record":{{}},"changes":{{"A":1}}}}"#
        ),
        good_review.clone(),
        good_auto,
    ];
    // Pretty-printed across lines, as a JSON client might send it.
    let body = format!("[\n  {}\n]\n", items.join(",\n  "));
    let r = request(srv.addr, "POST", "/v1/decide/batch", &[], body.as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let ndjson = items.join("\n") + "\n";
    let eval = decide_batch(&table, &ndjson);
    assert_eq!(eval.len(), items.len());
    assert_eq!(r.body, format!("[{}]\n", eval.join(",")));
    let got: Vec<Value> = serde_json::from_str(&r.body).unwrap();
    let want: Vec<Value> = eval
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got, want);
    let errors = got.iter().filter(|v| v.get("error").is_some()).count();
    assert_eq!(errors, 8, "{}", r.body);
    assert_eq!(got[0]["outcome"], "auto");
    assert_eq!(got[9]["outcome"], "review");
    for v in &got {
        if v.get("error").is_some() {
            assert!(v.get("outcome").is_none(), "{v}");
        }
    }
    // An empty array is an empty array.
    let r = request(srv.addr, "POST", "/v1/decide/batch", &[], b" [ ] ");
    assert_eq!((r.status, r.body.as_str()), (200, "[]\n"));

    // Not JSON, trailing text, nesting past the limit: one 400 error object.
    let deep = format!("[{}{}]", "[".repeat(200), "]".repeat(200));
    let deep_in_object = format!(r#"[{{"object":{}1{}}}]"#, "[".repeat(200), "]".repeat(200));
    for bad in [
        "[1,",
        "[1] x",
        "[{\"a\":}]",
        deep.as_str(),
        deep_in_object.as_str(),
    ] {
        let r = request(srv.addr, "POST", "/v1/decide/batch", &[], bad.as_bytes());
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        assert_eq!(r.header("content-type"), Some("application/json"));
        let v: Value = serde_json::from_str(&r.body).unwrap();
        assert!(v["error"]["message"].is_string(), "{}", r.body);
        assert!(!r.body.contains("auto"), "{}", r.body);
    }
    srv.stop().unwrap();
}

#[test]
fn a_missing_at_is_the_server_clock_and_eval_agrees_given_it() {
    let dir = workdir("at");
    let bytes = table_bytes(1, false);
    let table = Table::from_bytes(&bytes).unwrap();
    let srv = start(config_with_table(&dir, &bytes)).unwrap();
    let body = mutation(None, "null");
    let r = request(srv.addr, "POST", "/v1/decide", &[], body.as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
    let at = r.header("crmc-now").unwrap().to_string();
    assert!(crmc_eval::time::parse_datetime(&at).is_some(), "{at}");
    let explicit = format!(r#"{{"at":"{at}",{}"#, &body[1..]);
    assert_eq!(r.body, decide_line(&table, &explicit, 1) + "\n");
    srv.stop().unwrap();
}

#[test]
fn a_backdated_or_future_at_beyond_max_skew_is_400() {
    let dir = workdir("skew");
    let srv = start(config_with_table(&dir, &table_bytes(1, false))).unwrap();
    for at in [far(1), "2999-01-01T00:00:00Z".to_string()] {
        let r = request(
            srv.addr,
            "POST",
            "/v1/decide",
            &[],
            mutation(Some(&at), "null").as_bytes(),
        );
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.body.contains("--max-skew"), "{}", r.body);
        assert!(!r.body.contains("outcome"), "{}", r.body);
    }
    // In a batch the skewed item gets its error line in its place.
    let batch = format!(
        "{}\n{}\n",
        mutation(Some(&far(1)), "null"),
        mutation(None, "null")
    );
    let r = request(srv.addr, "POST", "/v1/decide/batch", &[], batch.as_bytes());
    assert_eq!(r.status, 200);
    let lines: Vec<&str> = r.body.lines().collect();
    assert!(
        lines[0].starts_with(r#"{"error":{"line":1,"#),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with(r#"{"outcome":"auto""#), "{}", lines[1]);
    srv.stop().unwrap();
}

#[test]
fn a_wider_max_skew_accepts_an_old_at() {
    let dir = workdir("skew-wide");
    let mut config = config_with_table(&dir, &table_bytes(1, false));
    config.max_skew_secs = crmc_serve::parse_duration("36500d").unwrap();
    let srv = start(config).unwrap();
    let r = request(
        srv.addr,
        "POST",
        "/v1/decide",
        &[],
        mutation(Some(&far(1)), "null").as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    srv.stop().unwrap();
}

#[test]
fn oversized_bodies_are_413_and_wrong_routes_404_405() {
    let dir = workdir("limits");
    let mut config = config_with_table(&dir, &table_bytes(1, false));
    config.max_body = 1000;
    let srv = start(config).unwrap();
    let now = now_text();
    let big = mutation(Some(&now), &format!("\"{}\"", "x".repeat(2000)));
    for path in ["/v1/decide", "/v1/decide/batch"] {
        let r = request(srv.addr, "POST", path, &[], big.as_bytes());
        assert_eq!(r.status, 413, "{path}: {}", r.body);
    }
    // Chunked, no length announced: the limit holds while reading.
    let mut c = Client::connect(srv.addr);
    c.write_raw(b"POST /v1/decide HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n");
    let chunk = "y".repeat(600);
    c.write_raw(format!("{:x}\r\n{chunk}\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n", 600, 600).as_bytes());
    assert_eq!(c.read_response().status, 413);

    srv.stop().unwrap();

    // More items than --max-batch: a 413 before anything is decided, in
    // either shape; at the limit the batch is answered.
    let mut config = config_with_table(&dir, &table_bytes(1, false));
    config.max_batch = 3;
    let srv = start(config).unwrap();
    let one = mutation(Some(&now), "\"Banking\"");
    let lines = |n: usize| vec![one.as_str(); n].join("\n");
    let array = |n: usize| format!("[{}]", vec![one.as_str(); n].join(","));
    for body in [lines(4), array(4), "\n".repeat(4)] {
        let r = request(srv.addr, "POST", "/v1/decide/batch", &[], body.as_bytes());
        assert_eq!(r.status, 413, "{}", r.body);
        assert!(r.body.contains("--max-batch"), "{}", r.body);
        assert!(!r.body.contains("outcome"), "{}", r.body);
    }
    for body in [lines(3), array(3)] {
        let r = request(srv.addr, "POST", "/v1/decide/batch", &[], body.as_bytes());
        assert_eq!(r.status, 200, "{}", r.body);
    }

    assert_eq!(request(srv.addr, "GET", "/v1/decide", &[], b"").status, 405);
    assert_eq!(request(srv.addr, "POST", "/metrics", &[], b"").status, 405);
    assert_eq!(request(srv.addr, "GET", "/nope", &[], b"").status, 404);
    assert_eq!(request(srv.addr, "GET", "/healthz", &[], b"").status, 200);
    assert_eq!(request(srv.addr, "GET", "/readyz", &[], b"").status, 200);
    let bad_utf8 = request(
        srv.addr,
        "POST",
        "/v1/decide",
        &[],
        b"{\"object\":\"\xff\"}",
    );
    assert_eq!(bad_utf8.status, 400);
    assert!(
        bad_utf8
            .body
            .starts_with(r#"{"error":{"line":1,"message":"invalid JSON"#),
        "{}",
        bad_utf8.body
    );
    srv.stop().unwrap();
}

#[test]
fn without_auth_a_non_loopback_address_is_refused() {
    let dir = workdir("loopback");
    let mut config = config_with_table(&dir, &table_bytes(1, false));
    config.addr = "0.0.0.0:0".parse().unwrap();
    let err = start(config).err().unwrap();
    assert!(err.contains("without --auth"), "{err}");
}

#[test]
fn metrics_count_outcomes_and_errors() {
    let dir = workdir("metrics");
    let srv = start(config_with_table(&dir, &table_bytes(1, false))).unwrap();
    let now = now_text();
    request(
        srv.addr,
        "POST",
        "/v1/decide",
        &[],
        mutation(Some(&now), "null").as_bytes(),
    );
    request(
        srv.addr,
        "POST",
        "/v1/decide",
        &[],
        mutation(Some(&now), r#""X""#).as_bytes(),
    );
    request(srv.addr, "POST", "/v1/decide", &[], b"{");
    let m = request(srv.addr, "GET", "/metrics", &[], b"").body;
    for line in [
        r#"crmc_decisions_total{outcome="auto"} 1"#,
        r#"crmc_decisions_total{outcome="review"} 1"#,
        r#"crmc_errors_total{kind="invalid_input"} 1"#,
        r#"crmc_decision_duration_seconds_bucket{le="+Inf"} 3"#,
        "crmc_decision_duration_seconds_count 3",
        "crmc_table_reloads_total 0",
    ] {
        assert!(m.lines().any(|l| l == line), "missing `{line}` in\n{m}");
    }
    srv.stop().unwrap();
}

#[test]
fn sigterm_style_stop_drains_a_request_in_flight() {
    let dir = workdir("drain");
    let srv = start(config_with_table(&dir, &table_bytes(1, false))).unwrap();
    let body = mutation(Some(&now_text()), "null");
    let mut c = Client::connect(srv.addr);
    // Headers and half the body are in; the request is in flight.
    c.write_raw(
        format!(
            "POST /v1/decide HTTP/1.1\r\nhost: t\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    let (a, b) = body.split_at(body.len() / 2);
    c.write_raw(a.as_bytes());
    // Wait until the server has the head (the request is in flight).
    let mut tries = 0;
    while !request(srv.addr, "GET", "/metrics", &[], b"")
        .body
        .lines()
        .any(|l| l == "crmc_decide_requests_in_flight 1")
    {
        tries += 1;
        assert!(tries < 100_000, "the request head never reached the server");
        std::thread::yield_now();
    }
    let stopper = std::thread::spawn(move || srv.stop());
    // Lets the drain begin first; the answer must come either way.
    std::thread::sleep(std::time::Duration::from_millis(100));
    c.write_raw(b.as_bytes());
    let r = c.read_response();
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.starts_with(r#"{"outcome":"auto""#));
    stopper.join().unwrap().unwrap();
}
