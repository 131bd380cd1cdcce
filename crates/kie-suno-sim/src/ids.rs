//! Deterministic hashing (FNV-1a, splitmix64) and the ids built from it: task ids
//! from the seed and the creation order, UUID-shaped track / stem / persona ids
//! from a task id and a label. Nothing here is random.

use kie_suno_types::TaskId;

/// FNV-1a, 64 bit: a stable hash (std's `DefaultHasher` may change between releases).
pub(crate) fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.iter() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        // Separator so ("ab", "c") and ("a", "bc") differ.
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The splitmix64 finaliser: spreads the bits of a hash (FNV-1a outputs of inputs
/// differing in their last byte differ in few bits).
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The `n`-th task id of a run seeded with `seed`: 32 hex digits.
pub(crate) fn task_id(seed: u64, n: u64) -> TaskId {
    let seed = seed.to_le_bytes();
    let a = mix(fnv1a(&[&seed, &n.to_le_bytes(), b"a"]));
    let b = mix(a ^ fnv1a(&[&seed, &n.to_le_bytes(), b"b"]));
    TaskId::new(format!("{a:016x}{b:016x}"))
}

/// A deterministic id shaped like a UUID, derived from the task id and a label.
pub(crate) fn derived_uuid(task_id: &TaskId, label: &str) -> String {
    let a = mix(fnv1a(&[
        task_id.as_str().as_bytes(),
        label.as_bytes(),
        b"hi",
    ]));
    let b = mix(a ^ fnv1a(&[task_id.as_str().as_bytes(), label.as_bytes(), b"lo"]));
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
