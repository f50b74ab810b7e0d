//! CVSS v3.0 / v3.1 base score (specification section 7.1 and Appendix A).

use super::{CvssError, Score, split_metrics};

const OPTIONAL: [&str; 14] = [
    "E", "RL", "RC", "CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA",
];

/// The v3.1 `Roundup`: the smallest number with one decimal that is ≥ the input, computed on
/// integers so binary floating point cannot push an exact x.x0 up. Returns tenths.
fn roundup_tenths(x: f64) -> u32 {
    let int_input = (x * 100_000.0).round().max(0.0) as u64;
    let tenths = if int_input.is_multiple_of(10_000) {
        int_input / 10_000
    } else {
        int_input / 10_000 + 1
    };
    u32::try_from(tenths).unwrap_or(u32::MAX)
}

/// The base score of a `CVSS:3.0/…` or `CVSS:3.1/…` vector. Temporal and environmental metrics
/// are accepted and do not change the base score.
pub fn base_score(vector: &str) -> Result<Score, CvssError> {
    let v = vector.trim();
    let body = v
        .strip_prefix("CVSS:3.1/")
        .or_else(|| v.strip_prefix("CVSS:3.0/"))
        .ok_or(CvssError::WrongVersion { expected: "3.x" })?;
    let mut av: Option<f64> = None;
    let mut ac: Option<f64> = None;
    let mut pr: Option<&str> = None;
    let mut ui: Option<f64> = None;
    let mut s: Option<bool> = None;
    let (mut c, mut i, mut a): (Option<f64>, Option<f64>, Option<f64>) = (None, None, None);
    for (k, val) in split_metrics(body)? {
        let bad = || CvssError::InvalidValue {
            metric: k.into(),
            value: val.chars().take(20).collect(),
        };
        match k {
            "AV" => {
                av = Some(match val {
                    "N" => 0.85,
                    "A" => 0.62,
                    "L" => 0.55,
                    "P" => 0.2,
                    _ => return Err(bad()),
                })
            }
            "AC" => {
                ac = Some(match val {
                    "L" => 0.77,
                    "H" => 0.44,
                    _ => return Err(bad()),
                })
            }
            "PR" => {
                pr = Some(
                    matches!(val, "N" | "L" | "H")
                        .then_some(val)
                        .ok_or_else(bad)?,
                )
            }
            "UI" => {
                ui = Some(match val {
                    "N" => 0.85,
                    "R" => 0.62,
                    _ => return Err(bad()),
                })
            }
            "S" => {
                s = Some(match val {
                    "U" => false,
                    "C" => true,
                    _ => return Err(bad()),
                })
            }
            "C" | "I" | "A" => {
                let x = match val {
                    "H" => 0.56,
                    "L" => 0.22,
                    "N" => 0.0,
                    _ => return Err(bad()),
                };
                match k {
                    "C" => c = Some(x),
                    "I" => i = Some(x),
                    _ => a = Some(x),
                }
            }
            k if OPTIONAL.contains(&k) => {}
            k => return Err(CvssError::UnknownMetric(k.chars().take(20).collect())),
        }
    }
    let av = av.ok_or(CvssError::Missing("AV"))?;
    let ac = ac.ok_or(CvssError::Missing("AC"))?;
    let pr = pr.ok_or(CvssError::Missing("PR"))?;
    let ui = ui.ok_or(CvssError::Missing("UI"))?;
    let changed = s.ok_or(CvssError::Missing("S"))?;
    let c = c.ok_or(CvssError::Missing("C"))?;
    let i = i.ok_or(CvssError::Missing("I"))?;
    let a = a.ok_or(CvssError::Missing("A"))?;
    let pr: f64 = match (pr, changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        (_, false) => 0.27,
        (_, true) => 0.5,
    };
    let iss = 1.0 - ((1.0 - c) * (1.0 - i) * (1.0 - a));
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    if impact <= 0.0 {
        return Ok(Score::from_tenths(0));
    }
    let raw = if changed {
        (1.08 * (impact + exploitability)).min(10.0)
    } else {
        (impact + exploitability).min(10.0)
    };
    Ok(Score::from_tenths(roundup_tenths(raw)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundup_matches_the_spec_examples() {
        assert_eq!(roundup_tenths(4.02), 41);
        assert_eq!(roundup_tenths(4.00), 40);
        assert_eq!(roundup_tenths(4.000_000_1), 40);
    }

    #[test]
    fn known_vectors() {
        for (v, s) in [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98),
            ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 98),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 100),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 61),
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 64),
            ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 81),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 75),
            ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 78),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 53),
            ("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 16),
            ("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H", 91),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N", 0),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U",
                98,
            ),
        ] {
            assert_eq!(base_score(v).map(Score::tenths), Ok(s), "{v}");
        }
    }

    #[test]
    fn rejects() {
        for bad in [
            "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H",
            "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1",
            "CVSS:3.1/AV:N//AC:L",
        ] {
            assert!(base_score(bad).is_err(), "{bad}");
        }
    }
}
