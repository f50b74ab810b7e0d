//! DF300: secret-like ENV/ARG name with a literal value.

use crate::dockerfile::InstructionKind;
use crate::lint::helpers::secrets_downloads::{
    connection_string_has_literal_secret, literal_secret_value, secret_name, with_onbuild,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (_, top) in cx.instructions() {
        for inst in with_onbuild(top) {
            let is_env = match inst.kind {
                InstructionKind::Env => true,
                InstructionKind::Arg => false,
                _ => continue,
            };
            for p in &inst.pairs {
                let Some(value) = &p.value else { continue };
                let Some(s) = secret_name(&p.key) else {
                    continue;
                };
                let literal = if s.connection_string {
                    connection_string_has_literal_secret(value)
                } else {
                    literal_secret_value(value)
                };
                if !literal {
                    continue;
                }
                let msg = if is_env {
                    format!(
                        "ENV `{}` sets {} to a literal value: it is stored in the image configuration for anyone who can pull the image; pass it at run time or read it from a build secret (`RUN --mount=type=secret`)",
                        p.key,
                        s.with_article()
                    )
                } else {
                    format!(
                        "ARG `{}` holds {} as a literal default: it is committed with the Dockerfile and recorded in the image history; use a build secret (`RUN --mount=type=secret`) instead",
                        p.key,
                        s.with_article()
                    )
                };
                out.emit(p.span, msg);
            }
        }
    }
}
