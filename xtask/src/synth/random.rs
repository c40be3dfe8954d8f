//! A small deterministic generator (SplitMix64): the same seed gives the same spec on every
//! machine and Rust version, which a library generator does not promise.

pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Self {
        Random(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`0` when `bound` is `0`).
    pub fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            return 0;
        }
        (self.next() % bound as u64) as usize
    }

    /// True `per_mille` times in a thousand.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < per_mille as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("x")
    }

    /// One value of a `(value, weight)` table, in proportion to the weights.
    pub fn weighted<'a, T>(&mut self, table: &'a [(T, u32)]) -> &'a T {
        let total: u32 = table.iter().map(|(_, weight)| weight).sum();
        let mut roll = self.below(total.max(1) as usize) as u32;
        for (value, weight) in table {
            if roll < *weight {
                return value;
            }
            roll -= weight;
        }
        // Only reached for an empty or all-zero table, which the constants above are not.
        &table[table.len() - 1].0
    }
}
