//! Typed decode vs `serde_json::Value` decode of each documented payload.

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use kie_suno_types as t;

use crate::bench::stats;

/// A typed decoder for one documented payload: the registry's `decode_only`.
type Decoder = fn(&[u8]) -> Result<(), serde_json::Error>;

/// The type a documented payload decodes into: the fixture manifest of the contract
/// checks (`xtask::manifest::DOCUMENTED`) names it.
fn decoder_for(file: &str) -> Option<(&'static str, Decoder)> {
    let fixture = xtask::manifest::DOCUMENTED
        .iter()
        .find(|f| f.file == file)?;
    t::schemas::wire_type(fixture.ty).map(|w| (fixture.ty, w.decode_only))
}

fn per_op(total: Duration, n: usize) -> f64 {
    total.as_nanos() as f64 / n.max(1) as f64
}

pub(crate) fn run(iters: usize) -> Result<()> {
    let dir = crate::bench::workspace_root().join("crates/kie-suno-types/fixtures/documented");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    println!(
        "bench client / decode: {} documented payloads, {iters} decodes per payload and kind, release build",
        names.len()
    );
    let mut rows = Vec::new();
    let mut untyped = Vec::new();
    let mut failed = Vec::new();
    let (mut sum_typed, mut sum_value, mut log_ratio_sum, mut measured) = (0.0, 0.0, 0.0, 0usize);
    for name in &names {
        let body = std::fs::read(dir.join(name))?;
        let Some((ty, decode)) = decoder_for(name) else {
            untyped.push(name.clone());
            continue;
        };
        if let Err(e) = decode(&body) {
            failed.push(format!("{name}: {e}"));
            continue;
        }
        // Warm up, then alternate typed and Value rounds so drift hits both alike.
        for _ in 0..(iters / 10).max(10) {
            let _ = decode(&body);
            let _ = black_box(serde_json::from_slice::<serde_json::Value>(&body));
        }
        let rounds = 5;
        let per_round = (iters / rounds).max(1);
        let (mut typed_t, mut value_t) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..rounds {
            let t0 = Instant::now();
            for _ in 0..per_round {
                let _ = decode(black_box(&body));
            }
            typed_t += t0.elapsed();
            let t0 = Instant::now();
            for _ in 0..per_round {
                let _ = black_box(serde_json::from_slice::<serde_json::Value>(black_box(
                    &body,
                )));
            }
            value_t += t0.elapsed();
        }
        let n = rounds * per_round;
        let (typed_ns, value_ns) = (per_op(typed_t, n), per_op(value_t, n));
        let ratio = typed_ns / value_ns;
        sum_typed += typed_ns;
        sum_value += value_ns;
        log_ratio_sum += ratio.ln();
        measured += 1;
        rows.push(vec![
            name.clone(),
            ty.to_owned(),
            body.len().to_string(),
            format!("{typed_ns:.0}"),
            format!("{value_ns:.0}"),
            format!("{ratio:.2}x"),
        ]);
    }
    print!(
        "{}",
        stats::table_left(
            &[
                "payload",
                "typed as",
                "bytes",
                "typed ns",
                "Value ns",
                "typed/Value"
            ],
            &rows,
            2
        )
    );
    if measured > 0 {
        println!(
            "all {measured} typed payloads: typed {:.0} ns, Value {:.0} ns in sum = {:.2}x; geometric mean of ratios {:.2}x",
            sum_typed,
            sum_value,
            sum_typed / sum_value,
            (log_ratio_sum / measured as f64).exp()
        );
    }
    if !untyped.is_empty() {
        println!(
            "{} payloads not measured (no wire type in the fixture manifest): {}",
            untyped.len(),
            untyped.join(", ")
        );
    }
    for f in &failed {
        println!("not measured, the typed decode fails (cargo xtask verify reports it): {f}");
    }
    Ok(())
}
