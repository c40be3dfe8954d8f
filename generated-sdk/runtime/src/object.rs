//! Generated structs to and from JSON objects through one shared path.
//!
//! A serde-derived `Deserialize` is a visitor per type (map, sequence and field-name visitors,
//! all generic over the deserializer), and a derived `Serialize` a body per serializer; at the
//! scale of the whole API those made up most of the crate's code and compile time. A generated
//! struct instead has one plain (non-generic) function each way, naming its members by wire
//! name: one builds the struct from [`Fields`], the other lists its [`Members`]; its `Deserialize`
//! and `Serialize` are one line each, calling [`decode_object`] and [`encode_object`].
//!
//! Members travel as their JSON text ([`RawValue`]), never as a parsed `serde_json::Value`: a
//! value would turn `0.20` into `0.2` and round a 30-digit number, and a [`Decimal`] promises
//! the text as WeChat Pay wrote it. Every member is decoded with serde_json's text reader
//! and encoded with its writer, the same two the whole crate uses, so each type's code is
//! compiled for one deserializer and one serializer.
//!
//! [`Decimal`]: super::Decimal

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::{self, Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;

/// The members of one JSON object, taken by wire name while a generated struct is built.
/// Members no field takes are ignored, as unknown response fields must be.
///
/// Each member is decoded into a slot and a failure kept for [`Fields::finish`], rather than
/// returned at once: a `?` per field in every generated struct was most of the crate's code.
#[derive(Debug, Default)]
pub struct Fields {
    members: BTreeMap<String, Box<RawValue>>,
    error: Option<serde_json::Error>,
}

impl Fields {
    /// Takes and decodes the member `name` into `slot`; it must be there.
    pub fn required<T: DeserializeOwned>(&mut self, name: &'static str, slot: &mut Option<T>) {
        match self.members.remove(name) {
            Some(raw) => self.decode(name, &raw, slot),
            None => self.fail(de::Error::missing_field(name)),
        }
    }

    /// Takes and decodes the member `name` into `slot`; absent or `null` leaves it `None`.
    pub fn optional<T: DeserializeOwned>(&mut self, name: &'static str, slot: &mut Option<T>) {
        match self.members.remove(name) {
            Some(raw) if raw.get() == "null" => {}
            None => {}
            Some(raw) => self.decode(name, &raw, slot),
        }
    }

    fn decode<T: DeserializeOwned>(&mut self, name: &str, raw: &RawValue, slot: &mut Option<T>) {
        match serde_json::from_str(raw.get()) {
            Ok(decoded) => *slot = Some(decoded),
            Err(error) => self.fail(member_error(name, &error)),
        }
    }

    fn fail(&mut self, error: serde_json::Error) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// The first member that was missing or did not decode, if any.
    pub fn finish(&mut self) -> Result<(), serde_json::Error> {
        match self.error.take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// The error for a required slot left empty after [`Fields::finish`] succeeded, which
    /// cannot happen: every required member either filled its slot or failed.
    pub fn incomplete() -> serde_json::Error {
        de::Error::custom("a required member was not decoded")
    }

    /// Decodes every member not taken yet as one object: the fields of a flattened merchant
    /// mode, which sit beside the request's own fields on the wire.
    pub fn rest<T: DeserializeOwned>(&mut self) -> Result<T, serde_json::Error> {
        let rest = serde_json::to_string(&std::mem::take(&mut self.members))?;
        serde_json::from_str(&rest)
    }
}

/// Not generic, so not copied for every member type.
fn member_error(name: &str, error: &serde_json::Error) -> serde_json::Error {
    de::Error::custom(format_args!("{name}: {error}"))
}

/// Decodes a JSON object from `deserializer` and builds `T` from its members with `build`.
/// Generic code per deserializer is shared by every type; only `build` is the type's own.
pub fn decode_object<'de, D, T>(
    deserializer: D,
    build: fn(&mut Fields) -> Result<T, serde_json::Error>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let mut fields = deserializer.deserialize_map(FieldsVisitor)?;
    // A `match`, not `map_err` with a closure: one less function per type and deserializer.
    match build(&mut fields) {
        Ok(value) => Ok(value),
        Err(error) => Err(de::Error::custom(error)),
    }
}

/// One way to read a merchant mode from the members' JSON text.
pub type ModeAttempt<T> = fn(&str) -> Result<T, serde_json::Error>;

/// Decodes the merchant mode of a request: the members its own fields left, tried against each
/// mode's struct in order; the first that decodes is the mode (as serde's untagged enums do).
pub fn decode_mode<'de, D, T>(
    deserializer: D,
    name: &str,
    modes: &[ModeAttempt<T>],
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let raw = Box::<RawValue>::deserialize(deserializer)?;
    let mut reasons = Vec::new();
    for mode in modes {
        match mode(raw.get()) {
            Ok(decoded) => return Ok(decoded),
            Err(error) => reasons.push(error.to_string()),
        }
    }
    Err(de::Error::custom(format_args!(
        "the fields match no merchant mode of {name} ({})",
        reasons.join("; ")
    )))
}

/// The members of a generated struct on their way to JSON, in declaration order; the first
/// member that cannot be encoded is kept as the error (none of the generated types has one).
#[derive(Debug, Default)]
pub struct Members {
    members: Vec<(Cow<'static, str>, Box<RawValue>)>,
    error: Option<serde_json::Error>,
}

impl Members {
    /// Room for `capacity` members.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            members: Vec::with_capacity(capacity),
            error: None,
        }
    }

    /// Adds the member `name`.
    pub fn required<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.push(name, serde_json::value::to_raw_value(value));
    }

    /// The part of [`Members::required`] that is the same for every type.
    fn push(&mut self, name: &'static str, value: Result<Box<RawValue>, serde_json::Error>) {
        match value {
            Ok(value) => self.members.push((Cow::Borrowed(name), value)),
            Err(error) => self.fail(name, &error),
        }
    }

    /// Adds the member `name` when it has a value; `None` is left out of the object.
    pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.required(name, value);
        }
    }

    /// Adds every member of `value`, which encodes as an object: a flattened merchant mode.
    pub fn flatten<T: Serialize>(&mut self, value: &T) {
        let object = serde_json::value::to_raw_value(value)
            .and_then(|raw| serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(raw.get()));
        match object {
            Ok(object) => self.members.extend(
                object
                    .into_iter()
                    .map(|(name, value)| (Cow::Owned(name), value)),
            ),
            Err(error) => self.fail("mode", &error),
        }
    }

    fn fail(&mut self, name: &str, error: &serde_json::Error) {
        if self.error.is_none() {
            self.error = Some(member_error(name, error));
        }
    }
}

/// Encodes `members` as one object with `serializer`; the only code generic over serializers.
pub fn encode_object<S: Serializer>(members: Members, serializer: S) -> Result<S::Ok, S::Error> {
    if let Some(error) = members.error {
        return Err(ser::Error::custom(error));
    }
    let mut map = serializer.serialize_map(Some(members.members.len()))?;
    for (name, value) in &members.members {
        map.serialize_entry(name.as_ref(), value)?;
    }
    map.end()
}

/// Collects an object's members, refusing a name given twice (which serde's derive refuses
/// too: one of the two values would be silently lost).
struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut members = BTreeMap::new();
        while let Some((name, value)) = map.next_entry::<String, Box<RawValue>>()? {
            if members.contains_key(&name) {
                return Err(de::Error::custom(format_args!("duplicate field `{name}`")));
            }
            members.insert(name, value);
        }
        Ok(Fields {
            members,
            error: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Sample {
        id: String,
        count: Option<i64>,
    }

    fn build(fields: &mut Fields) -> Result<Sample, serde_json::Error> {
        let mut slots = (None, None);
        fields.required("id", &mut slots.0);
        fields.optional("count", &mut slots.1);
        fields.finish()?;
        match slots {
            (Some(f0), f1) => Ok(Sample { id: f0, count: f1 }),
            _ => Err(Fields::incomplete()),
        }
    }

    fn decode(json: &str) -> Result<Sample, String> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        decode_object(&mut deserializer, build).map_err(|error| error.to_string())
    }

    #[test]
    fn takes_members_by_name_and_ignores_unknown_ones() {
        assert_eq!(
            decode(r#"{"extra": [1], "count": 3, "id": "a"}"#),
            Ok(Sample {
                id: "a".to_owned(),
                count: Some(3)
            })
        );
        assert_eq!(
            decode(r#"{"id": "a", "count": null}"#),
            Ok(Sample {
                id: "a".to_owned(),
                count: None
            })
        );
    }

    #[test]
    fn refuses_what_the_derive_refused_and_names_the_member() {
        let missing = decode(r#"{"count": 3}"#).unwrap_err();
        assert!(missing.contains("missing field `id`"), "{missing}");
        let twice = decode(r#"{"id": "a", "id": "b"}"#).unwrap_err();
        assert!(twice.contains("duplicate field `id`"), "{twice}");
        let wrong = decode(r#"{"id": 5}"#).unwrap_err();
        assert!(wrong.starts_with("id: invalid type"), "{wrong}");
        let array = decode(r#"["a", 3]"#).unwrap_err();
        assert!(array.contains("expected a JSON object"), "{array}");
    }

    /// What WeChat Pay wrote is what a member holds and what is written again: no trip through
    /// an `f64` (`0.20` stays `0.20`, 30 digits stay 30 digits), in arrays and in modes alike.
    #[test]
    fn numbers_keep_their_text_through_members_and_flattened_modes() {
        use crate::Decimal;
        use std::str::FromStr;

        fn build(fields: &mut Fields) -> Result<Vec<Vec<Decimal>>, serde_json::Error> {
            let mut slot = None;
            fields.required("track", &mut slot);
            fields.finish()?;
            slot.ok_or_else(Fields::incomplete)
        }
        let json = r#"{"track": [[0.20, 123456789012345678901234567890.5], [1e3]]}"#;
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let track = decode_object(&mut deserializer, build).expect("decodes");
        let texts: Vec<Vec<&str>> = track
            .iter()
            .map(|pair| pair.iter().map(Decimal::as_str).collect())
            .collect();
        assert_eq!(
            texts,
            [
                vec!["0.20", "123456789012345678901234567890.5"],
                vec!["1e3"]
            ]
        );

        let mut members = Members::with_capacity(2);
        members.required("track", &track);
        let mode = std::collections::BTreeMap::from([(
            "rate",
            Decimal::from_str("0.10").expect("a number"),
        )]);
        members.flatten(&mode);
        let mut written = Vec::new();
        encode_object(members, &mut serde_json::Serializer::new(&mut written)).expect("encodes");
        assert_eq!(
            String::from_utf8(written).expect("UTF-8"),
            r#"{"track":[[0.20,123456789012345678901234567890.5],[1e3]],"rate":0.10}"#
        );
    }
}
