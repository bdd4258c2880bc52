//! A heapsort, written out, for the sorts that reach the page's first-load
//! wasm: the standard library's `sort_unstable_by` brings its quicksort,
//! small-sort networks and pivot code: 3.6 KB of that module (1,447 B
//! gzipped), against its budget (README, "Speed and size"). In place,
//! O(n log n) in every case, not stable: the callers sort unique keys, or
//! remove the equal ones afterwards.

/// Sorts `v` so that no element is `less` than one before it. `less` must be
/// a strict weak order (as `sort_unstable_by`'s comparison must be total).
pub fn heapsort_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    // A max-heap on `less`: `v[i]` is not less than either child.
    fn sift<T>(v: &mut [T], mut i: usize, n: usize, less: &mut impl FnMut(&T, &T) -> bool) {
        loop {
            let mut c = 2 * i + 1;
            if c >= n {
                return;
            }
            if c + 1 < n && less(&v[c], &v[c + 1]) {
                c += 1;
            }
            if !less(&v[i], &v[c]) {
                return;
            }
            v.swap(i, c);
            i = c;
        }
    }
    let n = v.len();
    for i in (0..n / 2).rev() {
        sift(v, i, n, &mut less);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift(v, 0, end, &mut less);
    }
}

#[cfg(test)]
mod tests {
    use super::heapsort_by;

    /// A fixed pseudo-random sequence (an LCG): the test is the same on
    /// every run.
    fn lcg(seed: u64, n: usize, modulo: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 33) % modulo
            })
            .collect()
    }

    #[test]
    fn sorts_as_the_standard_library_does() {
        let mut cases: Vec<Vec<u64>> = vec![vec![], vec![7], vec![2, 1], vec![1, 2], vec![3, 3, 3]];
        for (seed, n, m) in [(1, 10, 5), (2, 100, 1000), (3, 1000, 7), (4, 4097, 1 << 40)] {
            cases.push(lcg(seed, n, m));
        }
        cases.push((0..500).collect());
        cases.push((0..500).rev().collect());
        for mut v in cases {
            let mut want = v.clone();
            want.sort();
            heapsort_by(&mut v, |a, b| a < b);
            assert_eq!(v, want);
        }
    }

    #[test]
    fn follows_the_order_it_is_given() {
        // Descending, by the second field only: pairs with the same key end
        // up together, in some order (the sort is not stable).
        let mut v: Vec<(u64, u64)> = lcg(9, 300, 50).into_iter().zip(lcg(10, 300, 20)).collect();
        heapsort_by(&mut v, |a, b| a.1 > b.1);
        assert!(v.windows(2).all(|w| w[0].1 >= w[1].1), "{v:?}");
        let mut keys: Vec<u64> = v.iter().map(|p| p.1).collect();
        keys.dedup();
        assert!(keys.windows(2).all(|w| w[0] > w[1]));
    }
}
