//! Worker threads for the core's per-file work ([`crate::parallel::Map`]): linting Dockerfiles
//! and running SBOM extractors on as many threads as the machine has cores. Results come back
//! in item order, so the output is the same as the sequential run's.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::parallel::Map;

/// At most this many workers (the per-file work is small; more threads only add overhead).
const MAX_THREADS: usize = 16;

/// Runs items on up to `threads` scoped threads, handing out one item at a time.
#[derive(Debug, Clone, Copy)]
pub struct Threads {
    threads: usize,
}

impl Threads {
    /// As many workers as the machine has cores (`PORTCULLIS_THREADS` overrides; 1 = none).
    pub fn from_env() -> Self {
        let threads = std::env::var("PORTCULLIS_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|n| *n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        Self::new(threads)
    }

    pub fn new(threads: usize) -> Self {
        Self {
            threads: threads.clamp(1, MAX_THREADS),
        }
    }
}

impl Map for Threads {
    fn map<T: Sync, R: Send>(&self, items: &[T], f: &(dyn Fn(&T) -> R + Sync)) -> Vec<R> {
        let workers = self.threads.min(items.len());
        if workers <= 1 {
            return items.iter().map(f).collect();
        }
        let next = AtomicUsize::new(0);
        let done: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    // A poisoned lock only means another worker panicked; that panic is
                    // re-raised when the scope joins it.
                    let mut all = done.lock().unwrap_or_else(|e| e.into_inner());
                    all.append(&mut mine);
                });
            }
        });
        let mut all = done.into_inner().unwrap_or_else(|e| e.into_inner());
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, r)| r).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::Sequential;

    #[test]
    fn threads_return_results_in_item_order() {
        let items: Vec<u64> = (0..1000).collect();
        let slow_square = |x: &u64| {
            // Uneven work so the workers finish out of order.
            let mut acc = 0u64;
            for k in 0..(x % 7) * 1000 {
                acc = acc.wrapping_add(k);
            }
            (x * x, acc)
        };
        let seq = Sequential.map(&items, &slow_square);
        for n in [1, 2, 3, 8] {
            assert_eq!(
                Threads::new(n).map(&items, &slow_square),
                seq,
                "{n} threads"
            );
        }
        assert!(Threads::new(4).map(&[] as &[u64], &slow_square).is_empty());
    }
}
