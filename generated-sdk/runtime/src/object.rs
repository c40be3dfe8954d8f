//! Generated structs to and from JSON objects through one shared path.
//!
//! A serde-derived `Deserialize` is a visitor per type (map, sequence and field-name visitors,
//! all generic over the deserializer), and a derived `Serialize` a body per serializer; at the
//! scale of the whole API those made up most of the crate's code and compile time. A generated
//! struct instead is an [`Object`]: one plain (non-generic) function each way, naming its
//! members by wire name: `build` makes the struct from [`Fields`], `members` lists its
//! [`Members`]; its `Deserialize` and `Serialize` are one line each, calling [`decode_object`]
//! and [`encode_object`].
//!
//! The client itself does not go through serde for them: an answer is read into [`Fields`] and
//! built ([`decode_json_object`](super::decode_json_object)), a request body is its members'
//! text ([`encode_json_object`](super::encode_json_object)), and a member that is a generated
//! struct, or an array of them, is built and listed through its own `Object` impl
//! ([`Fields::required_object`], [`Members::required_objects`], …). So the code of a type's own
//! is its two functions, whatever reads or writes it: every serde path generic over a
//! deserializer or serializer would be compiled again for each type (most of the tool's
//! typed calls were that).
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

/// A generated struct: built from the members of its JSON object, and listed as members on
/// the way back. Both are plain functions, compiled once per type; the request bodies the
/// client sends, the answers it decodes and the members of other structs go through them
/// without any code generic over serde's deserializers or serializers (see [`Fields::parse`]).
pub trait Object: Sized {
    /// Builds the struct from its object's members.
    fn build(fields: &mut Fields) -> Result<Self, serde_json::Error>;

    /// Its body members by wire name, in declaration order (path and query fields travel in
    /// the URL).
    fn members(&self) -> Members;
}

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
    /// The members of the JSON object `text`; anything else, or text after it, is refused.
    pub fn parse(text: &str) -> Result<Fields, serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let fields = deserializer.deserialize_map(FieldsVisitor)?;
        deserializer.end()?;
        Ok(fields)
    }

    /// Takes and decodes the member `name` into `slot`; it must be there.
    pub fn required<T: DeserializeOwned>(&mut self, name: &'static str, slot: &mut Option<T>) {
        if let Some(raw) = self.take(name, Presence::Required) {
            self.decode(name, &raw, slot);
        }
    }

    /// Takes and decodes the member `name` into `slot`; absent or `null` leaves it `None`.
    pub fn optional<T: DeserializeOwned>(&mut self, name: &'static str, slot: &mut Option<T>) {
        if let Some(raw) = self.take(name, Presence::Optional) {
            self.decode(name, &raw, slot);
        }
    }

    /// The member `name` to decode, if it has a value; a required one that is absent is kept
    /// as the error. Not generic, so shared by every member type.
    fn take(&mut self, name: &'static str, presence: Presence) -> Option<Box<RawValue>> {
        match (self.members.remove(name), presence) {
            (None, Presence::Required) => {
                self.fail(de::Error::missing_field(name));
                None
            }
            (Some(raw), Presence::Optional) if raw.get() == "null" => None,
            (raw, _) => raw,
        }
    }

    /// Takes the member `name`, a generated struct, and builds it into `slot`; it must be there.
    pub fn required_object<T: Object>(&mut self, name: &'static str, slot: &mut Option<T>) {
        if let Some(raw) = self.take(name, Presence::Required) {
            self.build(name, &raw, slot);
        }
    }

    /// Takes the member `name`, a generated struct, and builds it into `slot`; absent or `null`
    /// leaves it `None`.
    pub fn optional_object<T: Object>(&mut self, name: &'static str, slot: &mut Option<T>) {
        if let Some(raw) = self.take(name, Presence::Optional) {
            self.build(name, &raw, slot);
        }
    }

    /// Takes the member `name`, an array of generated structs, and builds it into `slot`; it
    /// must be there.
    pub fn required_objects<T: Object>(&mut self, name: &'static str, slot: &mut Option<Vec<T>>) {
        if let Some(raw) = self.take(name, Presence::Required) {
            self.build_each(name, &raw, slot);
        }
    }

    /// Takes the member `name`, an array of generated structs, and builds it into `slot`;
    /// absent or `null` leaves it `None`.
    pub fn optional_objects<T: Object>(&mut self, name: &'static str, slot: &mut Option<Vec<T>>) {
        if let Some(raw) = self.take(name, Presence::Optional) {
            self.build_each(name, &raw, slot);
        }
    }

    fn build_each<T: Object>(&mut self, name: &str, raw: &RawValue, slot: &mut Option<Vec<T>>) {
        let items = match serde_json::from_str::<Vec<&RawValue>>(raw.get()) {
            Ok(items) => items,
            Err(error) => return self.fail(member_error(name, &error)),
        };
        let mut built = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            match build_object(item.get()) {
                Ok(one) => built.push(one),
                Err(error) => return self.fail(item_error(name, index, &error)),
            }
        }
        *slot = Some(built);
    }

    fn build<T: Object>(&mut self, name: &str, raw: &RawValue, slot: &mut Option<T>) {
        match build_object(raw.get()) {
            Ok(built) => *slot = Some(built),
            Err(error) => self.fail(member_error(name, &error)),
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

/// Whether a member must be there.
#[derive(Clone, Copy)]
enum Presence {
    Required,
    Optional,
}

/// Builds the generated struct `T` from the JSON object `text`.
pub(crate) fn build_object<T: Object>(text: &str) -> Result<T, serde_json::Error> {
    let mut fields = Fields::parse(text)?;
    T::build(&mut fields)
}

/// Not generic, so not copied for every member type.
fn member_error(name: &str, error: &serde_json::Error) -> serde_json::Error {
    de::Error::custom(format_args!("{name}: {error}"))
}

/// The error of one item of an array member; not generic either.
fn item_error(name: &str, index: usize, error: &serde_json::Error) -> serde_json::Error {
    de::Error::custom(format_args!("{name}[{index}]: {error}"))
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

    /// Adds the member `name`, a generated struct.
    pub fn required_object<T: Object>(&mut self, name: &'static str, value: &T) {
        self.push(name, value.members().into_raw());
    }

    /// Adds the member `name`, a generated struct, when it has a value.
    pub fn optional_object<T: Object>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.required_object(name, value);
        }
    }

    /// Adds the member `name`, an array of generated structs.
    pub fn required_objects<T: Object>(&mut self, name: &'static str, values: &[T]) {
        let mut items = Vec::with_capacity(values.len());
        for value in values {
            match value.members().into_raw() {
                Ok(item) => items.push(item),
                Err(error) => return self.fail(name, &error),
            }
        }
        self.push(name, serde_json::value::to_raw_value(&items));
    }

    /// Adds the member `name`, an array of generated structs, when it has a value.
    pub fn optional_objects<T: Object>(&mut self, name: &'static str, values: &Option<Vec<T>>) {
        if let Some(values) = values {
            self.required_objects(name, values);
        }
    }

    /// The object's JSON text, as it is signed and sent.
    pub fn into_json(self) -> Result<Vec<u8>, serde_json::Error> {
        let mut json = Vec::new();
        encode_object(self, &mut serde_json::Serializer::new(&mut json))?;
        Ok(json)
    }

    fn into_raw(self) -> Result<Box<RawValue>, serde_json::Error> {
        let json = self.into_json()?;
        // The serializer writes UTF-8 only.
        let text = String::from_utf8(json).map_err(ser::Error::custom)?;
        RawValue::from_string(text)
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

    /// A struct holding generated structs, alone and in an array, as the generator writes
    /// them: each through its `Object` impl.
    #[derive(Debug, PartialEq)]
    struct Order {
        first: Sample,
        rest: Option<Vec<Sample>>,
    }

    impl Object for Sample {
        fn build(fields: &mut Fields) -> Result<Self, serde_json::Error> {
            build(fields)
        }

        fn members(&self) -> Members {
            let mut members = Members::with_capacity(2);
            members.required("id", &self.id);
            members.optional("count", &self.count);
            members
        }
    }

    impl Object for Order {
        fn build(fields: &mut Fields) -> Result<Self, serde_json::Error> {
            let mut slots = (None, None);
            fields.required_object("first", &mut slots.0);
            fields.optional_objects("rest", &mut slots.1);
            fields.finish()?;
            match slots {
                (Some(first), rest) => Ok(Order { first, rest }),
                _ => Err(Fields::incomplete()),
            }
        }

        fn members(&self) -> Members {
            let mut members = Members::with_capacity(2);
            members.required_object("first", &self.first);
            members.optional_objects("rest", &self.rest);
            members
        }
    }

    fn order(json: &str) -> Result<Order, String> {
        let mut fields = Fields::parse(json).map_err(|error| error.to_string())?;
        Order::build(&mut fields).map_err(|error| error.to_string())
    }

    fn sample(id: &str, count: Option<i64>) -> Sample {
        Sample {
            id: id.to_owned(),
            count,
        }
    }

    #[test]
    fn nested_structs_and_arrays_of_them_go_through_their_own_members() {
        let json = r#"{"rest": [{"id": "b"}, {"id": "c", "count": 2}], "first": {"id": "a"}}"#;
        let decoded = order(json).expect("decodes");
        assert_eq!(
            decoded,
            Order {
                first: sample("a", None),
                rest: Some(vec![sample("b", None), sample("c", Some(2))]),
            }
        );
        let written = decoded.members().into_json().expect("encodes");
        assert_eq!(
            String::from_utf8(written).expect("UTF-8"),
            r#"{"first":{"id":"a"},"rest":[{"id":"b"},{"id":"c","count":2}]}"#
        );
        assert_eq!(
            order(r#"{"first": {"id": "a"}, "rest": null}"#),
            Ok(Order {
                first: sample("a", None),
                rest: None
            })
        );
    }

    #[test]
    fn a_nested_failure_names_the_member_and_the_item() {
        let missing = order(r#"{"rest": []}"#).unwrap_err();
        assert!(missing.contains("missing field `first`"), "{missing}");
        let inner = order(r#"{"first": {"count": 1}}"#).unwrap_err();
        assert!(inner.starts_with("first: missing field `id`"), "{inner}");
        let item =
            order(r#"{"first": {"id": "a"}, "rest": [{"id": "b"}, {"id": 3}]}"#).unwrap_err();
        assert!(item.starts_with("rest[1]: id: invalid type"), "{item}");
        let not_array = order(r#"{"first": {"id": "a"}, "rest": {"id": "b"}}"#).unwrap_err();
        assert!(
            not_array.starts_with("rest: invalid type: map"),
            "{not_array}"
        );
        let not_object = order(r#"{"first": ["a"]}"#).unwrap_err();
        assert!(
            not_object.contains("expected a JSON object"),
            "{not_object}"
        );
        let trailing = order(r#"{"first": {"id": "a"}} x"#).unwrap_err();
        assert!(trailing.contains("trailing characters"), "{trailing}");
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
