//! What a spec change does to the generated crate's public API, and the version bump Cargo's
//! semver rules call for. Reads two IRs (before and after); writes nothing.
//!
//! Breaking: a service, operation, type, field, enum value or error code removed or renamed, or
//! a service taken out of the default features; a
//! field's type changed; a field made required or optional (its Rust type moves between `T`
//! and `Option<T>`); a required field added to a type callers build; a request field's length
//! limit tightened; an operation sent elsewhere. Additive: anything new (structs and enums are
//! `#[non_exhaustive]` and enums keep unknown values, so new fields and values break no caller).
//! Patch: a loosened limit, or any other difference (descriptions, examples, error rows).

mod surface;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::ir::{Api, Bump, Version};
use surface::{Key, Surface};

/// One change to the public API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub bump: Bump,
    /// The service (cargo feature) it is in; `None` for crate-wide items.
    pub service: Option<String>,
    pub what: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.bump {
            Bump::Breaking => "breaking",
            Bump::Additive => "additive",
            Bump::Patch | Bump::None => "patch   ",
        };
        match &self.service {
            Some(service) => write!(f, "{level}  {service}: {}", self.what),
            None => write!(f, "{level}  {}", self.what),
        }
    }
}

/// Every change between two versions of the spec, and what they call for.
#[derive(Debug, Clone)]
pub struct Changes {
    pub changes: Vec<Change>,
    pub base_version: Version,
    pub version: Version,
}

impl Changes {
    /// Compares the crate generated from `base` with the one generated from `current`.
    pub fn between(base: &Api, current: &Api) -> Changes {
        let mut changes = Vec::new();
        compare(&Surface::of(base), &Surface::of(current), &mut changes);
        Changes {
            changes,
            base_version: base.version,
            version: current.version,
        }
    }

    /// The largest bump any change calls for.
    pub fn bump(&self) -> Bump {
        self.changes
            .iter()
            .map(|change| change.bump)
            .max()
            .unwrap_or(Bump::None)
    }

    /// The version the changes call for, from the base version.
    pub fn suggested_version(&self) -> Version {
        self.base_version.bumped(self.bump())
    }

    /// Whether the current version moved far enough for the changes: the check CI makes for
    /// breaking changes (additions and patches only suggest a bump).
    pub fn breaking_without_bump(&self) -> bool {
        self.bump() == Bump::Breaking && self.version.bump_from(self.base_version) < Bump::Breaking
    }

    pub fn count(&self, bump: Bump) -> usize {
        self.changes.iter().filter(|c| c.bump == bump).count()
    }

    /// One line: how many changes of each kind and what version they call for.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return format!("no change to the public API (version {})", self.version);
        }
        let counts = format!(
            "{} breaking, {} additive, {} patch",
            self.count(Bump::Breaking),
            self.count(Bump::Additive),
            self.count(Bump::Patch)
        );
        let needed = self.suggested_version();
        let verdict = if self.version.bump_from(self.base_version) >= self.bump() {
            format!("version {} is bumped enough", self.version)
        } else if self.breaking_without_bump() {
            let (kind, part) = if self.base_version.major == 0 {
                ("0.x", "minor")
            } else {
                ("1.0+", "major")
            };
            format!(
                "version {} must become {needed} (a breaking change in a {kind} crate bumps the {part} version)",
                self.version
            )
        } else {
            format!("version {} should become {needed}", self.version)
        };
        format!("{counts}: {} → {needed}; {verdict}", self.base_version)
    }
}

fn compare(base: &Surface, current: &Surface, out: &mut Vec<Change>) {
    let removed_services: BTreeSet<&String> = base.services.difference(&current.services).collect();
    let added_services: BTreeSet<&String> = current.services.difference(&base.services).collect();
    for service in &removed_services {
        out.push(change(
            Bump::Breaking,
            service,
            format!("service removed (feature `{service}`)"),
        ));
    }
    for service in &added_services {
        out.push(change(
            Bump::Additive,
            service,
            format!("service added (feature `{service}`)"),
        ));
    }
    // Inside a service that came or went, its items came or went with it.
    let shared = |key: &Key| !removed_services.contains(&key.0) && !added_services.contains(&key.0);

    let renamed_types = renames(&base.types, &current.types, &shared);
    let renamed_ops = renames(&base.operations, &current.operations, &shared);
    items(
        "type",
        &base.types,
        &current.types,
        &renamed_types,
        &shared,
        out,
        |_, _| None,
    );
    items(
        "operation",
        &base.operations,
        &current.operations,
        &renamed_ops,
        &shared,
        out,
        |before, after| {
            let mut moved = Vec::new();
            if before.endpoint != after.endpoint {
                moved.push(format!(
                    "sent to {} (was {})",
                    after.endpoint, before.endpoint
                ));
            }
            if before.request != after.request {
                moved.push(format!("takes {} (was {})", after.request, before.request));
            }
            if before.answer != after.answer {
                moved.push(format!("answers {} (was {})", after.answer, before.answer));
            }
            (!moved.is_empty()).then(|| (Bump::Breaking, moved.join(", ")))
        },
    );
    // Fields and values of a renamed or removed type are reported with the type.
    let within_kept_type = |key: &Key| {
        let type_name = key.1.split(['.', ':']).next().unwrap_or_default();
        let type_key = (key.0.clone(), type_name.to_owned());
        shared(key) && current.types.contains_key(&type_key) && base.types.contains_key(&type_key)
    };
    fields(base, current, &within_kept_type, out);
    items(
        "enum value",
        &base.variants,
        &current.variants,
        &BTreeMap::new(),
        &within_kept_type,
        out,
        |before, after| {
            (before != after).then(|| {
                (
                    Bump::Breaking,
                    format!("travels as \"{after}\" (was \"{before}\")"),
                )
            })
        },
    );
    // A dependency that relies on the default features loses the code of one taken out of them.
    for feature in base.default_features.difference(&current.default_features) {
        if current.services.contains(feature) {
            out.push(change(
                Bump::Breaking,
                feature,
                format!("no longer a default feature (dependencies must name `{feature}`)"),
            ));
        }
    }
    for feature in current.default_features.difference(&base.default_features) {
        out.push(change(
            Bump::Additive,
            feature,
            format!("now a default feature (`{feature}`)"),
        ));
    }
    for code in base.error_codes.difference(&current.error_codes) {
        out.push(Change {
            bump: Bump::Breaking,
            service: None,
            what: format!("error code `{code}` removed"),
        });
    }
    for code in current.error_codes.difference(&base.error_codes) {
        out.push(Change {
            bump: Bump::Additive,
            service: None,
            what: format!("error code `{code}` added"),
        });
    }
    let api_changed: BTreeSet<String> = out
        .iter()
        .filter_map(|change| change.service.clone())
        .collect();
    for (service, details) in &current.details {
        let differs = base
            .details
            .get(service)
            .is_some_and(|before| before != details);
        if differs && !api_changed.contains(service) {
            out.push(change(
                Bump::Patch,
                service,
                "documentation or behaviour changed, the public API did not".to_owned(),
            ));
        }
    }
    if base.settings != current.settings {
        out.push(Change {
            bump: Bump::Patch,
            service: None,
            what: "API-wide settings changed (title, hosts or 公共错误码)".to_owned(),
        });
    }
}

/// Items removed and added in the same service with the same shape: the old name → the new.
fn renames<V: PartialEq>(
    base: &BTreeMap<Key, V>,
    current: &BTreeMap<Key, V>,
    shared: &dyn Fn(&Key) -> bool,
) -> BTreeMap<Key, Key> {
    let mut added: Vec<&Key> = current
        .keys()
        .filter(|key| shared(key) && !base.contains_key(*key))
        .collect();
    let mut found = BTreeMap::new();
    for (key, value) in base {
        if !shared(key) || current.contains_key(key) {
            continue;
        }
        let twin = added
            .iter()
            .position(|new| new.0 == key.0 && current.get(*new) == Some(value));
        if let Some(position) = twin {
            found.insert(key.clone(), added.remove(position).clone());
        }
    }
    found
}

/// Removed, renamed, added and changed items of one kind.
fn items<V>(
    kind: &str,
    base: &BTreeMap<Key, V>,
    current: &BTreeMap<Key, V>,
    renamed: &BTreeMap<Key, Key>,
    in_scope: &dyn Fn(&Key) -> bool,
    out: &mut Vec<Change>,
    changed: impl Fn(&V, &V) -> Option<(Bump, String)>,
) {
    let renamed_to: BTreeSet<&Key> = renamed.values().collect();
    for (key, before) in base.iter().filter(|(key, _)| in_scope(key)) {
        let (service, name) = key;
        match (current.get(key), renamed.get(key)) {
            (Some(after), _) => {
                if let Some((bump, what)) = changed(before, after) {
                    out.push(change(bump, service, format!("{kind} `{name}` {what}")));
                }
            }
            (None, Some((_, new_name))) => out.push(change(
                Bump::Breaking,
                service,
                format!("{kind} `{name}` renamed to `{new_name}`"),
            )),
            (None, None) => out.push(change(
                Bump::Breaking,
                service,
                format!("{kind} `{name}` removed"),
            )),
        }
    }
    for key in current.keys().filter(|key| in_scope(key)) {
        if !base.contains_key(key) && !renamed_to.contains(key) {
            out.push(change(
                Bump::Additive,
                &key.0,
                format!("{kind} `{}` added", key.1),
            ));
        }
    }
}

fn fields(
    base: &Surface,
    current: &Surface,
    in_scope: &dyn Fn(&Key) -> bool,
    out: &mut Vec<Change>,
) {
    for (key, before) in base.fields.iter().filter(|(key, _)| in_scope(key)) {
        let (service, name) = key;
        let Some(after) = current.fields.get(key) else {
            out.push(change(
                Bump::Breaking,
                service,
                format!("field `{name}` removed"),
            ));
            continue;
        };
        if before.ty != after.ty {
            out.push(change(
                Bump::Breaking,
                service,
                format!("field `{name}` is {} (was {})", after.ty, before.ty),
            ));
        }
        if before.required != after.required {
            let made = if after.required {
                "required"
            } else {
                "optional"
            };
            out.push(change(
                Bump::Breaking,
                service,
                format!("field `{name}` made {made}"),
            ));
        }
        if after.constructed && before.max_length != after.max_length {
            let limit = |max: Option<u32>| max.map_or("none".to_owned(), |max| max.to_string());
            let tightened = match (before.max_length, after.max_length) {
                (None, Some(_)) => true,
                (Some(old), Some(new)) => new < old,
                (_, None) => false,
            };
            out.push(change(
                if tightened {
                    Bump::Breaking
                } else {
                    Bump::Patch
                },
                service,
                format!(
                    "field `{name}` length limit {} (was {})",
                    limit(after.max_length),
                    limit(before.max_length)
                ),
            ));
        }
    }
    for (key, after) in current.fields.iter().filter(|(key, _)| in_scope(key)) {
        if base.fields.contains_key(key) {
            continue;
        }
        let (service, name) = key;
        // A new required field of a type callers build is a new constructor argument.
        let bump = if after.required && after.constructed {
            Bump::Breaking
        } else {
            Bump::Additive
        };
        let what = if after.required {
            "required field"
        } else {
            "optional field"
        };
        out.push(change(bump, service, format!("{what} `{name}` added")));
    }
}

fn change(bump: Bump, service: &str, what: String) -> Change {
    Change {
        bump,
        service: Some(service.to_owned()),
        what,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use surface::Shape;

    #[test]
    fn a_removed_item_with_a_twin_of_the_same_shape_was_renamed() {
        let key = |name: &str| ("svc".to_owned(), name.to_owned());
        let base = BTreeMap::from([(key("Payer"), Shape("struct {openid: string}".to_owned()))]);
        let current = BTreeMap::from([
            (
                key("PayerInfo"),
                Shape("struct {openid: string}".to_owned()),
            ),
            (key("Other"), Shape("struct {x: string}".to_owned())),
        ]);
        let renamed = renames(&base, &current, &|_| true);
        assert_eq!(renamed, BTreeMap::from([(key("Payer"), key("PayerInfo"))]));
    }
}
