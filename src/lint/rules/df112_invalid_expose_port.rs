//! DF112: EXPOSE with a port outside 1–65535, an unknown protocol, or text that is not a port.

use crate::dockerfile::InstructionKind;
use crate::lint::helpers::general::parse_port_spec;
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (_, inst) in cx.instructions_of(InstructionKind::Expose) {
        for w in &inst.words {
            if w.text.contains(['$', '%']) {
                continue;
            }
            if let Err(why) = parse_port_spec(&w.text) {
                out.emit(w.span, format!("EXPOSE `{}`: {why}", w.text));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::helpers::general::parse_port_spec as p;

    #[test]
    fn specs() {
        assert_eq!(p("80").unwrap().lo, 80);
        assert_eq!(p("8000-8010/udp").unwrap().hi, 8010);
        assert!(p("443/TCP").is_ok());
        assert!(p("70000").is_err());
        assert!(p("0").is_err());
        assert!(p("80/http").is_err());
        assert!(p("http").is_err());
        assert!(p("127.0.0.1:80:80").is_err());
        assert!(p("90-80").is_err());
    }
}
