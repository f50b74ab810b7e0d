//! CVSS v2.0 base score (CVSS v2 guide, section 3.2.1).

use super::{CvssError, Score, split_metrics};

fn value(metric: &str, v: &str) -> Result<f64, CvssError> {
    let x = match (metric, v) {
        ("AV", "L") => 0.395,
        ("AV", "A") => 0.646,
        ("AV", "N") => 1.0,
        ("AC", "H") => 0.35,
        ("AC", "M") => 0.61,
        ("AC", "L") => 0.71,
        ("Au", "M") => 0.45,
        ("Au", "S") => 0.56,
        ("Au", "N") => 0.704,
        ("C" | "I" | "A", "N") => 0.0,
        ("C" | "I" | "A", "P") => 0.275,
        ("C" | "I" | "A", "C") => 0.660,
        _ => {
            return Err(CvssError::InvalidValue {
                metric: metric.into(),
                value: v.chars().take(20).collect(),
            });
        }
    };
    Ok(x)
}

const TEMPORAL_AND_ENV: [&str; 8] = ["E", "RL", "RC", "CDP", "TD", "CR", "IR", "AR"];

/// The v2 base score of `AV:N/AC:L/Au:N/C:P/I:P/A:P` (optionally wrapped in parentheses or
/// prefixed `CVSS:2.0/`); temporal and environmental metrics are accepted and ignored.
pub fn base_score(vector: &str) -> Result<Score, CvssError> {
    let v = vector.trim();
    let v = v
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(v);
    let v = v.strip_prefix("CVSS:2.0/").unwrap_or(v);
    let mut base = [None; 6];
    const NAMES: [&str; 6] = ["AV", "AC", "Au", "C", "I", "A"];
    for (k, val) in split_metrics(v)? {
        if let Some(i) = NAMES.iter().position(|n| *n == k) {
            if let Some(slot) = base.get_mut(i) {
                *slot = Some(value(k, val)?);
            }
        } else if !TEMPORAL_AND_ENV.contains(&k) {
            return Err(CvssError::UnknownMetric(k.chars().take(20).collect()));
        }
    }
    let mut vals = [0.0f64; 6];
    for (i, slot) in base.iter().enumerate() {
        let name = NAMES.get(i).copied().unwrap_or("?");
        let x = slot.ok_or(CvssError::Missing(name))?;
        if let Some(out) = vals.get_mut(i) {
            *out = x;
        }
    }
    let [av, ac, au, c, i, a] = vals;
    let impact = 10.41 * (1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a));
    let exploitability = 20.0 * av * ac * au;
    let f = if impact == 0.0 { 0.0 } else { 1.176 };
    let raw = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f;
    // round_to_1_decimal; a tiny epsilon keeps x.x5 from falling the wrong way in binary.
    let tenths = ((raw * 10.0) + 0.5 + 1e-9).floor().max(0.0);
    Ok(Score::from_tenths(tenths as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        for (v, s) in [
            ("AV:N/AC:L/Au:N/C:P/I:P/A:P", 75),
            ("AV:N/AC:L/Au:N/C:C/I:C/A:C", 100),
            ("AV:N/AC:M/Au:N/C:N/I:P/A:N", 43),
            ("AV:L/AC:L/Au:N/C:C/I:C/A:C", 72),
            ("AV:N/AC:L/Au:N/C:N/I:N/A:N", 0),
            ("(AV:N/AC:L/Au:N/C:N/I:N/A:P/E:F/RL:OF)", 50),
        ] {
            assert_eq!(base_score(v).map(Score::tenths), Ok(s), "{v}");
        }
        assert!(base_score("AV:N/AC:L/Au:N/C:P/I:P").is_err());
        assert!(base_score("AV:X/AC:L/Au:N/C:P/I:P/A:P").is_err());
    }
}
