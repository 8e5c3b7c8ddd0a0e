//! Numbers written in digits in a folded sentence: "748", "20 000", "3,000", "1er", "18h20".

/// A run of digits, with what is glued to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numeral {
    pub start: usize,
    pub end: usize,
    pub value: u32,
    /// Digits before any thousands separator: a year has four, a thousands group up to three.
    pub lead_digits: usize,
    /// Letters or a clock separator follow ("45e", "18h20", "18:20"): an ordinal or a time, so
    /// never a count.
    pub glued: bool,
    /// The glued letters are an ordinal day suffix ("1er", "6th").
    pub ordinal: bool,
}

const ORDINAL_SUFFIXES: &[&str] = &["er", "e", "st", "nd", "rd", "th"];

/// The numerals of `folded`, in order. A space or a comma followed by exactly three digits
/// continues a number ("20 000", "3,000").
pub fn numerals(folded: &str) -> Vec<Numeral> {
    let bytes = folded.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let start = i;
        let mut value: u64 = 0;
        let mut lead_digits = 0;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            value = value
                .saturating_mul(10)
                .saturating_add(u64::from(bytes[i] - b'0'));
            lead_digits += 1;
            i += 1;
        }
        let mut group_digits = lead_digits;
        while group_digits <= 3
            && i + 4 <= bytes.len()
            && matches!(bytes[i], b' ' | b',')
            && bytes[i + 1..i + 4].iter().all(u8::is_ascii_digit)
            && bytes.get(i + 4).is_none_or(|b| !b.is_ascii_digit())
        {
            for &d in &bytes[i + 1..i + 4] {
                value = value.saturating_mul(10).saturating_add(u64::from(d - b'0'));
            }
            group_digits = 3;
            i += 4;
        }
        let end = i;
        let letters_end = bytes[end..]
            .iter()
            .position(|b| !b.is_ascii_alphabetic())
            .map_or(bytes.len(), |p| end + p);
        let clock =
            bytes.get(end) == Some(&b':') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
        let suffix = &folded[end..letters_end];
        out.push(Numeral {
            start,
            end,
            value: u32::try_from(value).unwrap_or(u32::MAX),
            lead_digits,
            glued: !suffix.is_empty() || clock,
            ordinal: ORDINAL_SUFFIXES.contains(&suffix),
        });
        i = letters_end.max(end);
        if clock {
            // The minutes of "09:20" are part of the time, not a number of their own.
            i = end + 1;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_separators_ordinals_and_times() {
        let found = numerals("20 000 bandits, 3,000 people, 748, 1er janvier, 18h20, 45e brigade");
        let seen: Vec<(u32, bool, bool)> = found
            .iter()
            .map(|n| (n.value, n.glued, n.ordinal))
            .collect();
        assert_eq!(
            seen,
            [
                (20_000, false, false),
                (3_000, false, false),
                (748, false, false),
                (1, true, true),
                (18, true, false),
                (45, true, true),
            ]
        );
        // The minutes of a time are no number.
        let seen: Vec<(u32, bool)> = numerals("09:20 - 12 tues")
            .iter()
            .map(|n| (n.value, n.glued))
            .collect();
        assert_eq!(seen, [(9, true), (12, false)]);
        // A year is not a thousands group: "2022 100" stays two numbers.
        assert_eq!(numerals("en 2022 100 morts").len(), 2);
    }
}
