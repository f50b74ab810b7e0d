//! How the core runs independent per-file work (linting one Dockerfile, one extractor over one
//! manifest). The core stays single-threaded: it hands the items to a [`Map`] and gets the
//! results back in item order, so a host that runs them on several threads (the native CLI,
//! `native::parallel`) produces byte-identical output. [`Sequential`] is the plain loop the
//! WebAssembly build and the tests use.

/// Applies `f` to every item and returns the results in the order of `items`.
pub trait Map: Sync {
    fn map<T: Sync, R: Send>(&self, items: &[T], f: &(dyn Fn(&T) -> R + Sync)) -> Vec<R>;
}

/// One item after the other on the calling thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sequential;

impl Map for Sequential {
    fn map<T: Sync, R: Send>(&self, items: &[T], f: &(dyn Fn(&T) -> R + Sync)) -> Vec<R> {
        items.iter().map(f).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_keeps_item_order() {
        let out = Sequential.map(&[3, 1, 2], &|x: &i32| x * 10);
        assert_eq!(out, vec![30, 10, 20]);
    }
}
