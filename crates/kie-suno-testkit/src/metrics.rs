//! Reading a receiver's Prometheus text (`GET /metrics`) over loopback.

use std::net::SocketAddr;

/// The value of the sample `name` (a metric without labels, or a name with its
/// labels written out) in the receiver's `/metrics` at `addr`; `None` when the
/// page cannot be read or has no such sample.
pub async fn metric(addr: SocketAddr, name: &str) -> Option<f64> {
    let text = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    sample(&text, name)
}

/// The value of the sample `name` in Prometheus text.
pub fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::sample;

    #[test]
    fn samples_are_found_by_their_whole_name() {
        let text = "# TYPE a_count counter\na_count 3\na_count_total 9\na 1.5\n";
        assert_eq!(sample(text, "a_count"), Some(3.0));
        assert_eq!(sample(text, "a"), Some(1.5));
        assert_eq!(sample(text, "a_count_total"), Some(9.0));
        assert_eq!(sample(text, "b"), None);
    }
}
