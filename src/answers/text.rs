//! Which characters a text answer may hold: generated YAML, JSON, Go and Dockerfiles take
//! an answer verbatim, so anything that ends a line or is invisible is refused up front.

/// The first character `text` may not contain, named for a message, or `None`.
///
/// Refused everywhere: control characters (NUL, DEL, C1 controls such as U+0085 NEXT LINE),
/// U+2028 and U+2029 (line breaks to YAML and JavaScript), the byte order mark, Unicode
/// noncharacters (not printable YAML) and bidirectional controls (they make source code
/// read differently from how it compiles). Single-line text also refuses line feeds and
/// tabs; two spaces in a row are refused because folded YAML (`.scaffold.yaml`) would
/// leave one at a line end.
pub fn refused_char(text: &str, multiline: bool) -> Option<String> {
    if !multiline && text.contains("  ") {
        return Some("two spaces in a row (use single spaces between words)".to_owned());
    }
    text.chars().find(|&c| !allowed(c, multiline)).map(describe)
}

fn allowed(c: char, multiline: bool) -> bool {
    if multiline && (c == '\n' || c == '\t') {
        return true;
    }
    !(c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
        || is_bidi_control(c)
        || is_noncharacter(c))
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn is_noncharacter(c: char) -> bool {
    let code = u32::from(c);
    (0xfdd0..=0xfdef).contains(&code) || code & 0xfffe == 0xfffe
}

fn describe(c: char) -> String {
    let name = match c {
        '\0' => "a NUL character",
        '\n' => "a line break",
        '\r' => "a carriage return",
        '\t' => "a tab",
        '\u{85}' => "U+0085 NEXT LINE (a line break)",
        '\u{2028}' => "U+2028 LINE SEPARATOR (a line break)",
        '\u{2029}' => "U+2029 PARAGRAPH SEPARATOR (a line break)",
        '\u{feff}' => "a byte order mark (U+FEFF)",
        c if c.is_control() => return format!("the control character U+{:04X}", u32::from(c)),
        c if is_bidi_control(c) => {
            return format!("the bidirectional control U+{:04X}", u32::from(c));
        }
        c => return format!("the noncharacter U+{:04X}", u32::from(c)),
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::refused_char;

    #[test]
    fn line_breaks_and_invisible_characters_are_refused() {
        for (text, named) in [
            ("a\nb", "a line break"),
            ("a\rb", "a carriage return"),
            ("a\u{2028}b", "U+2028"),
            ("a\u{2029}b", "U+2029"),
            ("a\u{85}b", "U+0085"),
            ("a\0b", "NUL"),
            ("a\tb", "a tab"),
            ("a\u{7f}b", "U+007F"),
            ("a\u{9b}b", "U+009B"),
            ("a\u{202e}b", "bidirectional"),
            ("a\u{feff}b", "byte order mark"),
            ("a\u{ffff}b", "noncharacter"),
            ("a  b", "two spaces"),
        ] {
            let found = refused_char(text, false).unwrap_or_default();
            assert!(found.contains(named), "{text:?}: {found}");
        }
    }

    #[test]
    fn printable_text_passes() {
        for text in [
            "Plain text",
            "quotes \" ' and \\ backslashes",
            "{{ braces }} */ </script> : # - & * ! | > % @ `",
            "ünïcödé ☃ 🎉 日本語",
        ] {
            assert_eq!(refused_char(text, false), None, "{text}");
        }
        assert_eq!(refused_char("two\nlines\tand  tabs", true), None);
        assert!(refused_char("a\rb", true).is_some());
    }
}
