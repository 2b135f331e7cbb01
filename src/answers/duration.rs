//! Go durations as `time.ParseDuration` reads them, so a generated program never fails (or
//! panics) parsing the default it was given.

/// The largest duration Go represents: 2562047h47m16.854775807s.
const MAX_NANOS: u128 = i64::MAX as u128;

/// Nanoseconds in `text`, or why Go would refuse it. Follows `time.ParseDuration`: an
/// optional sign, then one or more decimal numbers each with a unit (ns, us, µs, ms, s,
/// m, h), such as `300ms`, `1.5h` or `2h45m`.
pub fn parse_go_duration(text: &str) -> Result<i128, String> {
    let invalid = || {
        format!(
            "`{text}` is not a Go duration: use a number and a unit (ns, us, ms, s, m, h), such as 500ms, 10s or 1m30s"
        )
    };
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (whole, after) = rest.split_at(digits);
        let (fraction, after) = match after.strip_prefix('.') {
            Some(after) => {
                let len = after.bytes().take_while(u8::is_ascii_digit).count();
                after.split_at(len)
            }
            None => ("", after),
        };
        if whole.is_empty() && fraction.is_empty() {
            return Err(invalid());
        }
        let unit_len = after
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let unit: u128 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(invalid()),
        };
        // Digits past what a u128 holds are far beyond any bound: treat them as overflow.
        let whole: u128 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| too_long(text))?
        };
        // Go ignores fraction digits beyond what it can hold; 18 are more than enough.
        let fraction = &fraction[..fraction.len().min(18)];
        let part = whole
            .checked_mul(unit)
            .ok_or_else(|| too_long(text))?
            .saturating_add(if fraction.is_empty() {
                0
            } else {
                fraction.parse::<u128>().unwrap_or(0) * unit / 10u128.pow(fraction.len() as u32)
            });
        total = total.saturating_add(part);
        if total > MAX_NANOS + 1 {
            return Err(too_long(text));
        }
        rest = after;
    }
    if negative {
        Ok(-(total as i128))
    } else if total > MAX_NANOS {
        Err(too_long(text))
    } else {
        Ok(total as i128)
    }
}

fn too_long(text: &str) -> String {
    format!("`{text}` is longer than Go's longest duration (about 2562047h, or 292 years)")
}

#[cfg(test)]
mod tests {
    use super::parse_go_duration;

    #[test]
    fn reads_what_go_reads() {
        for (text, nanos) in [
            ("0", 0),
            ("5s", 5_000_000_000),
            ("500ms", 500_000_000),
            ("1.5h", 5_400_000_000_000),
            ("2h45m", 9_900_000_000_000),
            ("1µs", 1_000),
            ("-1m", -60_000_000_000),
            (".5s", 500_000_000),
            ("2562047h47m16.854775807s", i64::MAX as i128),
            ("9223372036854ms", 9_223_372_036_854_000_000),
        ] {
            assert_eq!(parse_go_duration(text), Ok(nanos), "{text}");
        }
    }

    #[test]
    fn refuses_what_go_refuses() {
        for text in ["", "5", "s", "1d", "1.s.", "+", "1 s"] {
            let err = parse_go_duration(text).unwrap_err();
            assert!(err.contains("not a Go duration"), "{text}: {err}");
        }
        for text in [
            "99999999999999999999s",
            "2562048h",
            "9223372036855ms",
            "9223372037s",
            "153722868m",
            "2562047h47m16.854775808s",
            "999999999999999999999999999999999999999999h",
        ] {
            let err = parse_go_duration(text).unwrap_err();
            assert!(err.contains("longest duration"), "{text}: {err}");
        }
    }
}
