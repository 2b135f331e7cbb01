//! Splits a template into independently renderable chunks.
//!
//! The Handlebars parser computes a line and column for every element by scanning from
//! the start of the template, so compiling one large template is quadratic in its size.
//! Cutting it at line boundaries outside any block or expression gives chunks that
//! render to exactly the same text when concatenated, in linear time overall.

/// Lines per chunk before a cut is considered.
const CHUNK_LINES: usize = 24;

/// A piece of a template and the 0-based line of the template it starts on.
pub struct Chunk<'a> {
    pub first_line: usize,
    pub text: &'a str,
}

/// Cuts `template` after a line only where nothing is open: no block (`{{#…}}`, raw
/// blocks), no unfinished expression or comment, and no whitespace control (`~`) that
/// would reach across the cut.
pub fn split(template: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut depth: i64 = 0;
    let mut open_mustaches: i64 = 0;
    let mut chunk_start = 0;
    let mut chunk_first_line = 0;
    let mut line_start = 0;
    let mut line_no = 0;
    let mut lines_in_chunk = 0;

    while line_start < template.len() {
        let line_end = template[line_start..]
            .find('\n')
            .map_or(template.len(), |i| line_start + i + 1);
        let line = &template[line_start..line_end];
        scan_line(line, &mut depth, &mut open_mustaches);
        line_no += 1;
        lines_in_chunk += 1;

        let next = &template[line_end..];
        let closed = depth == 0 && open_mustaches == 0;
        let strips_forward = line.trim_end().ends_with("~}}");
        let strips_back = next.trim_start_matches([' ', '\t']).starts_with("{{~");
        if lines_in_chunk >= CHUNK_LINES
            && closed
            && !strips_forward
            && !strips_back
            && !next.is_empty()
        {
            chunks.push(Chunk {
                first_line: chunk_first_line,
                text: &template[chunk_start..line_end],
            });
            chunk_start = line_end;
            chunk_first_line = line_no;
            lines_in_chunk = 0;
        }
        line_start = line_end;
    }
    if chunk_start < template.len() || chunks.is_empty() {
        chunks.push(Chunk {
            first_line: chunk_first_line,
            text: &template[chunk_start..],
        });
    }
    chunks
}

/// Tracks block depth and unclosed `{{` across one line.
fn scan_line(line: &str, depth: &mut i64, open_mustaches: &mut i64) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'{' && bytes[i + 1] == b'{' {
            let escaped = i > 0 && bytes[i - 1] == b'\\';
            let mut j = i;
            while j < bytes.len() && bytes[j] == b'{' {
                j += 1;
            }
            if !escaped {
                *open_mustaches += 1;
                let mut k = j;
                if k < bytes.len() && bytes[k] == b'~' {
                    k += 1;
                }
                match bytes.get(k) {
                    Some(b'#') => *depth += 1,
                    Some(b'/') => *depth -= 1,
                    // A raw block `{{{{raw}}}}` opens with four braces and no sigil.
                    _ if j - i == 4 => *depth += 1,
                    _ => {}
                }
                if j - i == 4 && bytes.get(k) == Some(&b'/') {
                    // `{{{{/raw}}}}` closes the raw block: undo the open counted above.
                    *depth -= 1;
                }
            }
            i = j;
        } else if bytes[i] == b'}' && bytes[i + 1] == b'}' {
            let mut j = i;
            while j < bytes.len() && bytes[j] == b'}' {
                j += 1;
            }
            if *open_mustaches > 0 {
                *open_mustaches -= 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_only_outside_blocks() {
        let mut template = String::new();
        for i in 0..30 {
            template.push_str(&format!("line {i} {{{{name}}}}\n"));
        }
        template.push_str("{{#if on}}\n");
        for i in 0..30 {
            template.push_str(&format!("inner {i}\n"));
        }
        template.push_str("{{/if}}\n");
        for i in 0..30 {
            template.push_str(&format!("tail {i}\n"));
        }
        let chunks = split(&template);
        let joined: String = chunks.iter().map(|c| c.text).collect();
        assert_eq!(joined, template);
        assert!(chunks.len() >= 2);
        for chunk in &chunks {
            let opens = chunk.text.matches("{{#").count();
            let closes = chunk.text.matches("{{/").count();
            assert_eq!(
                opens, closes,
                "chunk at line {} splits a block",
                chunk.first_line
            );
        }
        assert_eq!(chunks[0].first_line, 0);
        assert_eq!(chunks[1].first_line, 24);
    }

    #[test]
    fn small_templates_stay_whole() {
        let chunks = split("a {{b}}\nc\n");
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].text, "a {{b}}\nc\n");
    }
}
