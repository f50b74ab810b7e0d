//! Helpers for the base-image rules (DF4xx).

use crate::baseimage::images::{ImageUse, UseKind};
use crate::baseimage::lifecycle::{self, WindowsLine};
use crate::baseimage::policy::Scope;
use crate::baseimage::reference::ImageRef;
use crate::dockerfile::stages::Os;
use crate::lint::LintContext;

/// Stages in the final stage's FROM chain (the stages whose bases end up in the final image).
pub fn final_chain(cx: &LintContext<'_>) -> Vec<bool> {
    let mut chain = vec![false; cx.model.stages.len()];
    let mut cur = cx.model.final_stage;
    let mut guard = 0;
    while let Some(s) = cur {
        if guard > cx.model.stages.len() {
            break;
        }
        guard += 1;
        if let Some(slot) = chain.get_mut(s) {
            *slot = true;
        }
        cur = cx.model.stages.get(s).and_then(|st| st.parent_stage);
    }
    chain
}

/// Image uses the policy judges under its scope, with their parsed references.
pub fn judged_uses<'c>(
    cx: &'c LintContext<'_>,
    kinds: &[UseKind],
) -> Vec<(&'c ImageUse, &'c ImageRef)> {
    let chain = final_chain(cx);
    cx.images
        .iter()
        .filter(|u| kinds.contains(&u.kind))
        .filter(|u| match cx.policy.scope {
            Scope::All => true,
            Scope::Final => {
                u.kind == UseKind::From
                    && u.stage
                        .is_some_and(|s| chain.get(s).copied().unwrap_or(false))
            }
        })
        .filter_map(|u| u.image().map(|i| (u, i)))
        .collect()
}

/// FROM image uses with parsed references (all stages).
pub fn from_uses<'c>(cx: &'c LintContext<'_>) -> Vec<(&'c ImageUse, &'c ImageRef)> {
    cx.images
        .iter()
        .filter(|u| u.kind == UseKind::From)
        .filter_map(|u| u.image().map(|i| (u, i)))
        .collect()
}

/// Whether an image is a Windows image: a Windows base repository, a Windows marker in the tag,
/// or a stage already known to be Windows.
pub fn is_windows_image(cx: &LintContext<'_>, u: &ImageUse, img: &ImageRef) -> bool {
    if let Ok(d) = lifecycle::data()
        && (d.is_windows_base(img)
            || d.is_insider(img)
            || d.dotnet_framework.repositories.contains(&img.name()))
    {
        return true;
    }
    let tag = img.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    if ["windowsservercore", "nanoserver", "ltsc20", "servercore"]
        .iter()
        .any(|m| tag.contains(m))
    {
        return true;
    }
    u.stage
        .and_then(|s| cx.model.stages.get(s))
        .is_some_and(|s| s.os == Os::Windows)
}

/// The Windows line of a Windows image's tag.
pub fn windows_line<'d>(
    cx: &LintContext<'_>,
    u: &ImageUse,
    img: &ImageRef,
) -> Option<&'d WindowsLine> {
    let d = lifecycle::data().ok()?;
    let tag = img.tag.as_deref()?;
    if !is_windows_image(cx, u, img) {
        return None;
    }
    d.windows_line_for_tag(tag)
}

/// The line that replaces an out-of-support Windows line.
pub fn newest_windows_line() -> Option<&'static WindowsLine> {
    lifecycle::data()
        .ok()?
        .windows
        .lines
        .iter()
        .filter(|l| !l.semi_annual)
        .max_by_key(|l| l.build)
}
