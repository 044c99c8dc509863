//! The public inputs of a zkDx proof, in order:
//!
//! | field elements | what |
//! |---|---|
//! | 8 | the model digest, as 32-bit little-endian limbs (constants of the circuit) |
//! | 4 | the input commitment: Poseidon(quantised input ‖ 4-element salt) |
//! | 2 | the freshness [`Challenge`] the proof answers, two 40-bit halves (zero: none) |
//!
//! then, by [`Disclosure`]:
//!
//! | disclosure | classifier | regression |
//! |---|---|---|
//! | `exact` | the n outputs (logits at scale 2^k, signed), the label | the n scores at 2^k |
//! | `coarse` | the label, each class's whole percent | the n scores in steps of the resolution |
//! | `label` | the label | (refused: no bands yet) |

use crate::commitment::Commitment;
use crate::error::CircuitError;
use crate::field::{to_signed, F};
use plonky2::field::types::PrimeField64;
use zkdx_model::Disclosure;

/// Field elements holding the digest.
pub const DIGEST_LIMBS: usize = 8;
/// Field elements holding the input commitment.
pub const COMMITMENT_LEN: usize = 4;
/// Field elements holding the freshness challenge.
pub const CHALLENGE_LEN: usize = 2;
/// Bits of the challenge in each of its field elements.
const CHALLENGE_LIMB_BITS: u32 = 40;
/// Crockford's base-32 alphabet (no I, L, O or U), in which challenges are written.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A clinician's freshness challenge: 80 random bits that a proof binds among its public
/// inputs, so that a bundle answers one request and cannot be replayed for another.
///
/// Written as 16 characters of Crockford's base 32 in groups of four
/// (`7K2M-9QXF-3TBA-WC8D`), short enough to read out or type. Reading accepts lower case,
/// spaces and hyphens anywhere, and O for 0, I and L for 1. (80 bits by hand rather than a
/// base-32 crate: a fixed width of 16 symbols is simpler than padding rules.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Challenge(u128);

impl Challenge {
    /// A fresh challenge from the operating system's random source (never zero, which
    /// stands for "no challenge").
    pub fn random() -> Challenge {
        use rand::RngCore;
        loop {
            let mut bytes = [0u8; 16];
            rand::rngs::OsRng.fill_bytes(&mut bytes[..10]);
            let v = u128::from_le_bytes(bytes);
            if v != 0 {
                return Challenge(v);
            }
        }
    }

    /// The two public-input values: the high and low 40 bits.
    pub fn limbs(&self) -> [u64; CHALLENGE_LEN] {
        let mask = (1u128 << CHALLENGE_LIMB_BITS) - 1;
        [((self.0 >> CHALLENGE_LIMB_BITS) & mask) as u64, (self.0 & mask) as u64]
    }

    /// From public-input values: `None` for zeros (no challenge), an error for a value
    /// wider than 40 bits.
    fn from_limbs(limbs: [u64; CHALLENGE_LEN]) -> Result<Option<Challenge>, CircuitError> {
        if limbs.iter().any(|&l| l >> CHALLENGE_LIMB_BITS != 0) {
            return Err(CircuitError::PublicValues("a challenge element is wider than 40 bits".into()));
        }
        let v = (u128::from(limbs[0]) << CHALLENGE_LIMB_BITS) | u128::from(limbs[1]);
        Ok((v != 0).then_some(Challenge(v)))
    }
}

impl std::fmt::Display for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for i in 0..16 {
            if i > 0 && i % 4 == 0 {
                f.write_str("-")?;
            }
            let symbol = (self.0 >> (75 - 5 * i)) & 31;
            write!(f, "{}", char::from(CROCKFORD[symbol as usize]))?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Challenge {
    type Err = String;

    fn from_str(s: &str) -> Result<Challenge, String> {
        let what = "a challenge code is 16 letters and digits, such as 7K2M-9QXF-3TBA-WC8D";
        let mut v = 0u128;
        let mut n = 0;
        for c in s.chars().filter(|c| *c != '-' && !c.is_whitespace()) {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            let digit = CROCKFORD
                .iter()
                .position(|&d| char::from(d) == c)
                .ok_or_else(|| format!("`{c}` is not in a challenge code: {what}"))?;
            n += 1;
            if n > 16 {
                return Err(format!("too long: {what}"));
            }
            v = (v << 5) | digit as u128;
        }
        if n != 16 {
            return Err(format!("{n} characters: {what}"));
        }
        if v == 0 {
            return Err("the all-zero code stands for no challenge".into());
        }
        Ok(Challenge(v))
    }
}

/// Where things sit among the public inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicLayout {
    /// What the proof discloses.
    pub disclosure: Disclosure,
    /// Number of model outputs.
    pub outputs: usize,
    /// Number of classes (0 for a regression).
    pub classes: usize,
}

impl PublicLayout {
    /// Total number of public inputs.
    pub fn len(&self) -> usize {
        let classifier = usize::from(self.classes > 0);
        DIGEST_LIMBS
            + COMMITMENT_LEN
            + CHALLENGE_LEN
            + match self.disclosure {
                Disclosure::Exact => self.outputs + classifier,
                Disclosure::Coarse if self.classes > 0 => 1 + self.classes,
                Disclosure::Coarse => self.outputs,
                Disclosure::Label => classifier,
            }
    }

    /// Whether there are none (never, for a zkDx circuit).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Read public inputs.
    pub fn decode(&self, public: &[F]) -> Result<PublicValues, CircuitError> {
        if public.len() != self.len() {
            return Err(CircuitError::PublicValues(format!(
                "{} public inputs where this model has {}",
                public.len(),
                self.len()
            )));
        }
        let mut digest_limbs = [0u32; DIGEST_LIMBS];
        for (d, f) in digest_limbs.iter_mut().zip(&public[..DIGEST_LIMBS]) {
            *d = u32::try_from(f.to_canonical_u64())
                .map_err(|_| CircuitError::PublicValues("a digest limb is not 32 bits".into()))?;
        }
        let mut commitment = [0u64; COMMITMENT_LEN];
        for (c, f) in commitment.iter_mut().zip(&public[DIGEST_LIMBS..DIGEST_LIMBS + COMMITMENT_LEN]) {
            *c = f.to_canonical_u64();
        }
        let after_commitment = DIGEST_LIMBS + COMMITMENT_LEN;
        let challenge = Challenge::from_limbs([
            public[after_commitment].to_canonical_u64(),
            public[after_commitment + 1].to_canonical_u64(),
        ])?;
        let mut rest = public[after_commitment + CHALLENGE_LEN..].iter().copied();
        let mut take = |n: usize| -> Vec<F> { rest.by_ref().take(n).collect() };
        let signed = |fs: Vec<F>| -> Result<Vec<i64>, CircuitError> {
            fs.into_iter()
                .map(|f| {
                    i64::try_from(to_signed(f)).map_err(|_| CircuitError::PublicValues("output out of range".into()))
                })
                .collect()
        };
        let label_of = |fs: Vec<F>| -> Result<Option<usize>, CircuitError> {
            fs.first()
                .map(|l| {
                    usize::try_from(l.to_canonical_u64())
                        .map_err(|_| CircuitError::PublicValues("label out of range".into()))
                })
                .transpose()
        };
        let classifier = usize::from(self.classes > 0);
        let mut values = PublicValues {
            digest_limbs,
            commitment: Commitment(commitment),
            challenge,
            disclosure: self.disclosure,
            outputs: Vec::new(),
            label: None,
            percentages: Vec::new(),
            rounded: Vec::new(),
        };
        match self.disclosure {
            Disclosure::Exact => {
                values.outputs = signed(take(self.outputs))?;
                values.label = label_of(take(classifier))?;
            }
            Disclosure::Coarse if self.classes > 0 => {
                values.label = label_of(take(1))?;
                values.percentages = take(self.classes)
                    .into_iter()
                    .map(|f| {
                        u32::try_from(f.to_canonical_u64())
                            .ok()
                            .filter(|&p| p <= 100)
                            .ok_or_else(|| CircuitError::PublicValues("a percentage above 100".into()))
                    })
                    .collect::<Result<_, _>>()?;
            }
            Disclosure::Coarse => values.rounded = signed(take(self.outputs))?,
            Disclosure::Label => values.label = label_of(take(classifier))?,
        }
        Ok(values)
    }
}

/// The public values of a proof, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicValues {
    /// The model digest's limbs (compare with `ModelDigest::limbs`).
    pub digest_limbs: [u32; DIGEST_LIMBS],
    /// The input commitment.
    pub commitment: Commitment,
    /// The freshness challenge the proof answers, if it was made for one.
    pub challenge: Option<Challenge>,
    /// What the proof discloses.
    pub disclosure: Disclosure,
    /// The exact outputs at scale 2^k (`exact` only).
    pub outputs: Vec<i64>,
    /// The label, for classifiers.
    pub label: Option<usize>,
    /// Each class's whole percent (`coarse` classifiers).
    pub percentages: Vec<u32>,
    /// The scores in steps of the resolution (`coarse` regressions).
    pub rounded: Vec<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_challenge_reads_back_from_its_code_and_its_limbs() {
        for _ in 0..100 {
            let c = Challenge::random();
            let code = c.to_string();
            assert_eq!(code.len(), 19);
            assert_eq!(code.parse::<Challenge>(), Ok(c));
            assert_eq!(Challenge::from_limbs(c.limbs()).ok(), Some(Some(c)));
        }
        assert_eq!(Challenge::from_limbs([0, 0]).ok(), Some(None));
        assert!(Challenge::from_limbs([1 << 40, 0]).is_err());
    }

    #[test]
    fn a_challenge_code_forgives_case_spacing_and_look_alike_letters() {
        let c: Challenge = "7K2M-9QXF-3TBA-WC8D".parse().unwrap_or(Challenge(1));
        assert_eq!(c.to_string(), "7K2M-9QXF-3TBA-WC8D");
        assert_eq!("7k2m 9qxf 3tba wc8d".parse::<Challenge>(), Ok(c));
        let one: Challenge = "0000-0000-0000-0001".parse().unwrap_or(Challenge(2));
        assert_eq!("oooo-oooo-oooo-oooI".parse::<Challenge>(), Ok(one));
        assert_eq!("OOOO-OOOO-OOOO-OOOL".parse::<Challenge>(), Ok(one));
        for (bad, why) in [
            ("7K2M-9QXF-3TBA", "12 characters"),
            ("7K2M-9QXF-3TBA-WC8D-1", "too long"),
            ("7K2M-9QXF-3TBA-WC8U", "`U` is not"),
            ("0000-0000-0000-0000", "no challenge"),
        ] {
            let e = bad.parse::<Challenge>().err().unwrap_or_default();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}
