//! Answers: the built-in values, what the user gave, and resolving every variable.

mod duration;
mod given;
mod gopath;
mod placeholder;
mod resolve;
mod text;
mod value;
mod yaml;

use serde_json::{Map, Value};

pub use given::{GivenSource, collect_given, recorded_answers};
pub use placeholder::{PLACEHOLDER_AUTHOR, PLACEHOLDER_HANDLE, placeholders, warn_placeholders};
pub use resolve::{Resolution, resolve};
pub use value::{check, coerce, display, parse_text, zero};
pub use yaml::{MAX_ANSWERS_BYTES, plain_yaml_error, read_answers_file};

use crate::git::Identity;
use crate::pack::Pack;

/// Names every template sees without the pack declaring them.
pub const BUILTINS: &[&str] = &[
    "year",
    "scaffold_version",
    "pack_name",
    "pack_version",
    "git_user_name",
    "git_user_email",
    "service",
    "components",
];

/// The built-in variable a user may set (`--set year=2026`) to pin output.
pub const SETTABLE_BUILTINS: &[&str] = &["year"];

/// The values every template of `pack` sees before any answer: globals and built-ins.
pub fn base_context(
    pack: &Pack,
    components: &[&Pack],
    globals: Map<String, Value>,
    year: i64,
    identity: &Identity,
) -> Map<String, Value> {
    let mut base = globals;
    // A conditional `service` is decided once the answers are known (see `resolve`).
    let service = matches!(pack.manifest.service, crate::pack::Service::Always(true));
    base.insert("service".into(), Value::Bool(service));
    base.insert(
        "components".into(),
        components.iter().map(|c| Value::from(c.name())).collect(),
    );
    base.insert("year".into(), Value::from(year));
    base.insert(
        "scaffold_version".into(),
        Value::from(env!("CARGO_PKG_VERSION")),
    );
    base.insert("pack_name".into(), Value::from(pack.name()));
    base.insert(
        "pack_version".into(),
        Value::from(pack.manifest.version.as_str()),
    );
    base.insert("git_user_name".into(), Value::from(identity.name.as_str()));
    base.insert(
        "git_user_email".into(),
        Value::from(identity.email.as_str()),
    );
    base
}

/// The current year, or the year of `SOURCE_DATE_EPOCH` when set, for reproducible builds.
pub fn current_year() -> i64 {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    year_of_unix_day(seconds.div_euclid(86_400))
}

/// The civil (proleptic Gregorian) year of a day counted from 1970-01-01.
fn year_of_unix_day(days: i64) -> i64 {
    // Howard Hinnant's days-to-civil algorithm, reduced to the year.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(month <= 2)
}

#[cfg(test)]
mod tests {
    use super::year_of_unix_day;

    #[test]
    fn years_from_days() {
        assert_eq!(year_of_unix_day(0), 1970);
        assert_eq!(year_of_unix_day(364), 1970);
        assert_eq!(year_of_unix_day(365), 1971);
        // 2024-12-31 and 2025-01-01
        assert_eq!(year_of_unix_day(20_088), 2024);
        assert_eq!(year_of_unix_day(20_089), 2025);
        // 2000-02-29, a leap day in a century year
        assert_eq!(year_of_unix_day(11_016), 2000);
    }
}
