//! Interval algebra over any totally ordered version type: the bounds that manifest ranges
//! (PEP 440 specifier sets, npm and Cargo requirements) are reduced to.

use std::cmp::Ordering;
use std::ops::Bound;

/// `(lower, upper)`.
pub type Interval<T> = (Bound<T>, Bound<T>);

/// Total order on lower bounds: `Unbounded` < `Included(x)` < `Excluded(x)` < `Included(y > x)`.
pub(crate) fn cmp_lower<T: Ord>(a: &Bound<T>, b: &Bound<T>) -> Ordering {
    match (a, b) {
        (Bound::Unbounded, Bound::Unbounded) => Ordering::Equal,
        (Bound::Unbounded, _) => Ordering::Less,
        (_, Bound::Unbounded) => Ordering::Greater,
        (Bound::Included(x), Bound::Included(y)) | (Bound::Excluded(x), Bound::Excluded(y)) => {
            x.cmp(y)
        }
        (Bound::Included(x), Bound::Excluded(y)) => x.cmp(y).then(Ordering::Less),
        (Bound::Excluded(x), Bound::Included(y)) => x.cmp(y).then(Ordering::Greater),
    }
}

/// Total order on upper bounds: `Excluded(x)` < `Included(x)` < `Excluded(y > x)` < `Unbounded`.
pub(crate) fn cmp_upper<T: Ord>(a: &Bound<T>, b: &Bound<T>) -> Ordering {
    match (a, b) {
        (Bound::Unbounded, Bound::Unbounded) => Ordering::Equal,
        (Bound::Unbounded, _) => Ordering::Greater,
        (_, Bound::Unbounded) => Ordering::Less,
        (Bound::Included(x), Bound::Included(y)) | (Bound::Excluded(x), Bound::Excluded(y)) => {
            x.cmp(y)
        }
        (Bound::Included(x), Bound::Excluded(y)) => x.cmp(y).then(Ordering::Greater),
        (Bound::Excluded(x), Bound::Included(y)) => x.cmp(y).then(Ordering::Less),
    }
}

/// Whether some value is ≥ `lo` and ≤ `hi` (treating versions as dense).
pub(crate) fn meets<T: Ord>(lo: &Bound<T>, hi: &Bound<T>) -> bool {
    match (lo, hi) {
        (Bound::Unbounded, _) | (_, Bound::Unbounded) => true,
        (Bound::Included(a), Bound::Included(b)) => a <= b,
        (Bound::Included(a), Bound::Excluded(b))
        | (Bound::Excluded(a), Bound::Included(b))
        | (Bound::Excluded(a), Bound::Excluded(b)) => a < b,
    }
}

/// `[.., x)` followed by `[x, ..]`, or `[.., x]` followed by `(x, ..]`: no gap between them.
fn adjacent<T: Ord>(hi: &Bound<T>, lo: &Bound<T>) -> bool {
    match (hi, lo) {
        (Bound::Excluded(a), Bound::Included(b)) | (Bound::Included(a), Bound::Excluded(b)) => {
            a == b
        }
        _ => false,
    }
}

fn pick<T: Clone>(a: &Bound<T>) -> Bound<T> {
    a.clone()
}

/// Intersection of two unions of intervals.
pub(crate) fn intersect<T: Ord + Clone>(a: &[Interval<T>], b: &[Interval<T>]) -> Vec<Interval<T>> {
    let mut out = Vec::new();
    for (alo, ahi) in a {
        for (blo, bhi) in b {
            let lo = if cmp_lower(alo, blo) == Ordering::Less {
                pick(blo)
            } else {
                pick(alo)
            };
            let hi = if cmp_upper(ahi, bhi) == Ordering::Greater {
                pick(bhi)
            } else {
                pick(ahi)
            };
            if meets(&lo, &hi) {
                out.push((lo, hi));
            }
        }
    }
    union(out)
}

/// Sorts and merges overlapping intervals.
pub(crate) fn union<T: Ord + Clone>(mut v: Vec<Interval<T>>) -> Vec<Interval<T>> {
    v.retain(|(lo, hi)| meets(lo, hi));
    v.sort_by(|a, b| cmp_lower(&a.0, &b.0));
    let mut out: Vec<Interval<T>> = Vec::with_capacity(v.len());
    for (lo, hi) in v {
        if let Some(last) = out.last_mut()
            && (meets(&lo, &last.1) || adjacent(&last.1, &lo))
        {
            if cmp_upper(&hi, &last.1) == Ordering::Greater {
                last.1 = hi;
            }
            continue;
        }
        out.push((lo, hi));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Bound::{Excluded as E, Included as I, Unbounded as U};

    #[test]
    fn algebra() {
        let a = vec![(I(1), E(5)), (I(7), U)];
        let b = vec![(E(3), I(8))];
        assert_eq!(intersect(&a, &b), vec![(E(3), E(5)), (I(7), I(8))]);
        assert_eq!(
            union(vec![(I(4), I(6)), (I(1), E(4)), (E(9), U)]),
            vec![(I(1), I(6)), (E(9), U)]
        );
        assert!(intersect(&[(I(1), E(2))], &[(I(2), U)]).is_empty());
        assert_eq!(intersect(&[(I(1), I(2))], &[(I(2), U)]), vec![(I(2), I(2))]);
    }
}
