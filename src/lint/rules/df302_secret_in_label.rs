//! DF302: secret in a LABEL.

use crate::dockerfile::InstructionKind;
use crate::lint::helpers::secrets_downloads::{
    find_credentials, literal_secret_value, mask_secret, secret_name, with_onbuild,
};
use crate::lint::{Emitter, LintContext};

pub fn check(cx: &LintContext<'_>, out: &mut Emitter) {
    for (_, top) in cx.instructions() {
        for inst in with_onbuild(top) {
            if inst.kind != InstructionKind::Label {
                continue;
            }
            for p in &inst.pairs {
                let Some(value) = &p.value else { continue };
                if let Some(c) = find_credentials(value).first() {
                    let secret = value.get(c.range.clone()).unwrap_or("");
                    out.emit(
                        p.span,
                        format!(
                            "LABEL `{}` contains a {} (`{}`): labels are readable by anyone who can pull the image; revoke it and keep credentials out of labels",
                            p.key,
                            c.kind,
                            mask_secret(secret)
                        ),
                    );
                    continue;
                }
                if let Some(s) = secret_name(&p.key)
                    && literal_secret_value(value)
                {
                    out.emit(
                        p.span,
                        format!(
                            "LABEL `{}` stores {} in the image metadata, readable by anyone who can pull the image; remove it from the label",
                            p.key,
                        s.with_article()
                        ),
                    );
                }
            }
        }
    }
}
