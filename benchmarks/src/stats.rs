//! Order statistics over measured durations.
//!
//! Percentiles use the nearest-rank method (the smallest sample with at least p % of the samples
//! at or below it): every reported figure is a latency that was actually observed, which keeps
//! p90 honest for the small sample sizes a benchmark like this runs (15 cold starts).

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub count: usize,
    pub min: Duration,
    pub median: Duration,
    pub p90: Duration,
    pub max: Duration,
}

impl Summary {
    /// `None` for no samples (e.g. every invocation of an operation failed).
    pub fn of(samples: &[Duration]) -> Option<Summary> {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        Some(Summary {
            count: sorted.len(),
            min: *sorted.first()?,
            median: nearest_rank(&sorted, 50)?,
            p90: nearest_rank(&sorted, 90)?,
            max: *sorted.last()?,
        })
    }
}

/// The `percentile`-th nearest-rank value of ascending `sorted` samples.
pub fn nearest_rank<T: Copy>(sorted: &[T], percentile: usize) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    // rank = ceil(p/100 · n), 1-based, at least 1.
    let rank = (percentile * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank.min(sorted.len()) - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().copied().map(Duration::from_millis).collect()
    }

    #[test]
    fn nearest_rank_percentiles() {
        let one_to_ten: Vec<u32> = (1..=10).collect();
        assert_eq!(nearest_rank(&one_to_ten, 50), Some(5));
        assert_eq!(nearest_rank(&one_to_ten, 90), Some(9));
        assert_eq!(nearest_rank(&one_to_ten, 100), Some(10));
        assert_eq!(nearest_rank(&one_to_ten, 0), Some(1));
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        assert_eq!(nearest_rank::<u32>(&[], 50), None);
        // 15 cold starts: the median is the 8th, p90 the 14th.
        let fifteen: Vec<u32> = (1..=15).collect();
        assert_eq!(nearest_rank(&fifteen, 50), Some(8));
        assert_eq!(nearest_rank(&fifteen, 90), Some(14));
    }

    #[test]
    fn summary_sorts_its_samples() {
        let summary = Summary::of(&ms(&[30, 10, 50, 20, 40])).expect("samples");
        assert_eq!(summary.count, 5);
        assert_eq!(summary.min, Duration::from_millis(10));
        assert_eq!(summary.median, Duration::from_millis(30));
        assert_eq!(summary.p90, Duration::from_millis(50));
        assert_eq!(summary.max, Duration::from_millis(50));
        assert_eq!(Summary::of(&[]), None);
    }
}
