//! Unit tests of the line reader; the fixture and property tests live in `tests/`.

use super::*;

#[test]
fn continuation_rules() {
    let t = "RUN a \\";
    assert_eq!(continuation(t, 0, t.len(), '\\'), (6, true));
    let t = "C:\\\\dir\\\\";
    assert_eq!(continuation(t, 0, t.len(), '\\'), (t.len(), false));
    let t = "\\  \t";
    assert_eq!(continuation(t, 0, t.len(), '\\'), (0, true));
    let t = "COPY a C:\\";
    assert_eq!(continuation(t, 0, t.len(), '`'), (t.len(), false));
    let t = "RUN x `";
    assert_eq!(continuation(t, 0, t.len(), '`'), (6, true));
}

#[test]
fn directive_regex() {
    assert_eq!(directive_of("# escape=`"), Some(("escape".into(), 9, 10)));
    assert_eq!(
        directive_of("#  ESCAPE  =  `  "),
        Some(("escape".into(), 14, 15))
    );
    assert_eq!(
        directive_of("# syntax=docker/dockerfile:1"),
        Some(("syntax".into(), 9, 28))
    );
    assert_eq!(directive_of("# foo=bar"), None);
    assert_eq!(directive_of("# escape="), None);
    assert_eq!(directive_of("# escape= "), Some(("escape".into(), 9, 10)));
    assert_eq!(directive_of("escape=`"), None);
}

#[test]
fn logical_maps_back() {
    let text = "RUN a \\\n  # c\n\n  b \\\r\n c";
    let df = parse(text);
    let inst = &df.instructions[0];
    let shell = inst
        .shell_text()
        .map(|l| l.text.clone())
        .unwrap_or_default();
    assert_eq!(shell, "a   b  c");
    for (i, b) in shell.bytes().enumerate() {
        let f = inst.shell_text().map_or(0, |l| l.to_file(i));
        assert_eq!(text.as_bytes()[f], b);
    }
    let l = inst.shell_text().cloned().unwrap_or_default();
    let sp = l.span(0, l.text.len());
    assert_eq!(l.slice_file_span(sp), Some("a   b  c"));
    assert_eq!(inst.empty_continuation_lines.len(), 1);
    assert_eq!(df.comments.len(), 1);
}

#[test]
fn sub_logical_keeps_map() {
    let mut lb = LogicalBuilder::default();
    let text = "abc\\\ndef\\\nghi";
    lb.push(text, 0, 3);
    lb.push(text, 5, 8);
    lb.push(text, 10, 13);
    let l = lb.finish(0);
    assert_eq!(l.text, "abcdefghi");
    let s = sub_logical(&l, 2, 7);
    assert_eq!(s.text, "cdefg");
    for (i, b) in s.text.bytes().enumerate() {
        assert_eq!(text.as_bytes()[s.to_file(i)], b);
    }
}
