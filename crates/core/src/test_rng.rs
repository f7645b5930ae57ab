//! A seeded pseudo-random source for the unit tests that hold a fast path to a simple
//! one over many generated inputs: the same inputs on every run.

/// Xorshift64: numbers from `seed` (not zero), one per call.
pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}
