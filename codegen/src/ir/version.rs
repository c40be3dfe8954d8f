//! The generated crate's version and the bumps Cargo's semver rules call for.

use std::fmt;

/// `MAJOR.MINOR.PATCH`, without pre-release or build parts: the generated crate is released
/// from the spec as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

/// How far a version moves. Ordered: a larger bump satisfies a smaller one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    None,
    Patch,
    /// Compatible additions: the minor version from 1.0 on, the patch version before.
    Additive,
    /// Incompatible changes: the major version from 1.0 on, the minor version before.
    Breaking,
}

impl Version {
    /// The version a crate gets when the spec names none.
    pub const INITIAL: Version = Version {
        major: 0,
        minor: 1,
        patch: 0,
    };

    /// Reads `MAJOR.MINOR.PATCH` (decimal numbers without leading zeros); `None` for anything
    /// else.
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.split('.').map(|part| {
            let plain = !part.is_empty()
                && part.bytes().all(|b| b.is_ascii_digit())
                && (part == "0" || !part.starts_with('0'));
            plain.then(|| part.parse::<u64>().ok()).flatten()
        });
        let version = Version {
            major: parts.next()??,
            minor: parts.next()??,
            patch: parts.next()??,
        };
        parts.next().is_none().then_some(version)
    }

    /// The smallest version after this one that Cargo's semver rules allow for `bump`. Cargo
    /// treats the first non-zero part as the major one: in a 0.x crate a breaking change moves
    /// the minor version and an addition the patch version.
    pub fn bumped(self, bump: Bump) -> Version {
        let Version {
            major,
            minor,
            patch,
        } = self;
        match (bump, major) {
            (Bump::None, _) => self,
            (Bump::Patch, _) | (Bump::Additive, 0) => Version::new(major, minor, patch + 1),
            (Bump::Additive, _) => Version::new(major, minor + 1, 0),
            (Bump::Breaking, 0) => Version::new(0, minor + 1, 0),
            (Bump::Breaking, _) => Version::new(major + 1, 0, 0),
        }
    }

    /// How far `self` moved from `base` under Cargo's rules (`Bump::None` when it did not move
    /// forward).
    pub fn bump_from(self, base: Version) -> Bump {
        if self <= base {
            Bump::None
        } else if self >= base.bumped(Bump::Breaking) {
            Bump::Breaking
        } else if self >= base.bumped(Bump::Additive) {
            Bump::Additive
        } else {
            Bump::Patch
        }
    }

    const fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            major,
            minor,
            patch,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).expect("a version")
    }

    #[test]
    fn parses_plain_versions_only() {
        assert_eq!(v("0.1.0"), Version::new(0, 1, 0));
        assert_eq!(v("12.0.3"), Version::new(12, 0, 3));
        for bad in [
            "",
            "1",
            "1.2",
            "1.2.3.4",
            "01.2.3",
            "1.2.x",
            "1.2.3-beta",
            " 1.2.3",
        ] {
            assert_eq!(Version::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn bumps_follow_cargo_semver() {
        assert_eq!(v("0.1.0").bumped(Bump::Breaking), v("0.2.0"));
        assert_eq!(v("0.1.3").bumped(Bump::Additive), v("0.1.4"));
        assert_eq!(v("0.1.3").bumped(Bump::Patch), v("0.1.4"));
        assert_eq!(v("1.4.2").bumped(Bump::Breaking), v("2.0.0"));
        assert_eq!(v("1.4.2").bumped(Bump::Additive), v("1.5.0"));
        assert_eq!(v("1.4.2").bumped(Bump::Patch), v("1.4.3"));
        assert_eq!(v("1.4.2").bumped(Bump::None), v("1.4.2"));
    }

    #[test]
    fn measures_how_far_a_version_moved() {
        assert_eq!(v("0.2.0").bump_from(v("0.1.5")), Bump::Breaking);
        assert_eq!(v("1.0.0").bump_from(v("0.1.5")), Bump::Breaking);
        assert_eq!(v("0.1.6").bump_from(v("0.1.5")), Bump::Additive);
        assert_eq!(v("1.5.0").bump_from(v("1.4.2")), Bump::Additive);
        assert_eq!(v("1.4.3").bump_from(v("1.4.2")), Bump::Patch);
        assert_eq!(v("0.1.5").bump_from(v("0.1.5")), Bump::None);
        assert_eq!(v("0.1.4").bump_from(v("0.1.5")), Bump::None);
    }
}
