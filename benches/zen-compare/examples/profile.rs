//! A loop over one crmc path, for callgrind / perf (not a benchmark):
//! `cargo run --release --example profile -- fields 20 1000000`.

use zen_compare::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map_or("fields", String::as_str);
    let rules: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(20);
    let iters: usize = args
        .get(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let t = crmc_table(rules);
    let inputs: Vec<_> = (0..64).filter_map(|k| crmc_input(rules, k, 64)).collect();
    let mut ev = crmc_eval::Evaluator::new(&t);
    let prepared: Vec<_> = inputs.iter().filter_map(|m| ev.prepare(m).ok()).collect();
    let mut out = Vec::with_capacity(4096);
    let mut acc = 0usize;
    for i in 0..iters {
        let k = i % prepared.len();
        match what {
            "fields" => {
                let (o, f) = ev.decide_fields(std::hint::black_box(&prepared[k]));
                acc += o as usize + f.len();
            }
            "json" => {
                out.clear();
                let _ = ev.decide_json_into(std::hint::black_box(&inputs[k]), &mut out);
                acc += out.len();
            }
            _ => {
                let d = t.decide(std::hint::black_box(&inputs[k]));
                acc += d.map_or(0, |d| d.fields.len());
            }
        }
    }
    println!("{acc}");
}
