//! `cargo xtask synth`: a deterministic synthetic API of any size, for benchmarks.
//!
//! Operations are drawn in the community description's shape and go through the same converter
//! as the real description, so naming, shared shapes and the YAML are exactly as for the real
//! API. The distributions (methods, path and query parameters, field counts, kinds of field per
//! depth, enum sizes, 204s) are those measured on `community-api.json` (1,019 operations).
//! Services hold 50 operations each; the same seed always gives the same spec.

mod random;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crate::convert::community::{Operation, Parameter, Schema};
use crate::convert::{self, Conversion, ConvertError};
use random::Random;

/// Operations per synthetic service.
pub const OPERATIONS_PER_SERVICE: usize = 50;

/// (method, weight) as in the real API.
const METHODS: &[(&str, u32)] = &[
    ("POST", 568),
    ("GET", 403),
    ("PATCH", 30),
    ("DELETE", 13),
    ("PUT", 5),
];
/// Path parameters per operation.
const PATH_PARAMS: &[(usize, u32)] = &[(0, 495), (1, 440), (2, 83), (3, 1)];
/// Query parameters of a GET.
const GET_QUERY: &[(usize, u32)] = &[
    (0, 130),
    (1, 101),
    (2, 51),
    (3, 37),
    (4, 33),
    (5, 27),
    (6, 10),
    (8, 12),
    (10, 1),
    (12, 1),
];
/// Top-level fields of a request body.
const BODY_FIELDS: &[(usize, u32)] = &[
    (1, 49),
    (2, 80),
    (3, 64),
    (4, 48),
    (5, 43),
    (6, 45),
    (8, 72),
    (10, 54),
    (12, 47),
    (15, 25),
    (20, 39),
    (25, 9),
    (40, 4),
    (50, 3),
];
/// Top-level fields of a response body (0: no body).
const RESPONSE_FIELDS: &[(usize, u32)] = &[
    (0, 114),
    (1, 150),
    (2, 125),
    (3, 74),
    (4, 87),
    (5, 70),
    (6, 39),
    (8, 49),
    (10, 57),
    (12, 61),
    (15, 68),
    (20, 90),
    (25, 27),
    (30, 4),
    (40, 3),
    (50, 1),
];
/// Fields of a nested object.
const NESTED_FIELDS: &[(usize, u32)] = &[
    (1, 193),
    (2, 985),
    (3, 467),
    (4, 326),
    (5, 242),
    (6, 135),
    (8, 108),
    (10, 80),
    (12, 52),
    (15, 42),
    (20, 33),
    (25, 3),
];
/// Values of an enum.
const ENUM_SIZES: &[(usize, u32)] = &[
    (1, 126),
    (2, 500),
    (3, 467),
    (4, 170),
    (5, 117),
    (6, 125),
    (8, 106),
    (10, 62),
    (12, 11),
    (15, 11),
    (20, 19),
];

#[derive(Debug, Clone, Copy)]
enum Kind {
    String,
    Integer,
    Boolean,
    Datetime,
    Enum,
    Object,
    ObjectArray,
    ScalarArray,
}

/// Kinds of field by depth (0 = top level, 3 = three levels down or deeper), per mille.
const KINDS: [&[(Kind, u32)]; 4] = [
    &[
        (Kind::String, 690),
        (Kind::Datetime, 50),
        (Kind::Integer, 77),
        (Kind::Boolean, 15),
        (Kind::Enum, 78),
        (Kind::Object, 40),
        (Kind::ObjectArray, 38),
        (Kind::ScalarArray, 10),
    ],
    &[
        (Kind::String, 620),
        (Kind::Datetime, 40),
        (Kind::Integer, 163),
        (Kind::Boolean, 14),
        (Kind::Enum, 86),
        (Kind::Object, 35),
        (Kind::ObjectArray, 30),
        (Kind::ScalarArray, 12),
    ],
    &[
        (Kind::String, 560),
        (Kind::Datetime, 30),
        (Kind::Integer, 225),
        (Kind::Boolean, 12),
        (Kind::Enum, 94),
        (Kind::Object, 30),
        (Kind::ObjectArray, 20),
        (Kind::ScalarArray, 29),
    ],
    &[
        (Kind::String, 540),
        (Kind::Datetime, 20),
        (Kind::Integer, 330),
        (Kind::Boolean, 10),
        (Kind::Enum, 70),
        (Kind::ObjectArray, 0),
        (Kind::Object, 0),
        (Kind::ScalarArray, 30),
    ],
];

/// Words field and resource names are made of, so names look like the real ones.
const WORDS: &[&str] = &[
    "out", "trade", "no", "amount", "total", "currency", "mchid", "sub", "appid", "openid",
    "refund", "state", "time", "create", "success", "reason", "account", "bank", "name", "type",
    "detail", "goods", "price", "quantity", "store", "info", "id", "batch", "transfer", "remark",
    "scene", "device", "payer", "coupon", "stock", "limit", "offset", "contract", "plan", "fee",
];

/// A synthetic spec of `operations` operations, the same for the same `seed`.
pub fn synthesize(operations: usize, seed: u64) -> Result<Conversion, ConvertError> {
    let mut random = Random::new(seed);
    let services = operations.div_ceil(OPERATIONS_PER_SERVICE);
    let mut ops = Vec::with_capacity(operations);
    for service in 0..services {
        let mut synth = Service {
            random: &mut random,
            shared: Vec::new(),
            enums: Vec::new(),
        };
        let count = OPERATIONS_PER_SERVICE.min(operations - service * OPERATIONS_PER_SERVICE);
        for index in 0..count {
            ops.push(synth.operation(service, index));
        }
    }
    convert::convert(&ops)
}

/// One service being drawn: nested shapes and enums it already made, some of which are reused
/// (the real API repeats `amount`, `payer`… across operations).
struct Service<'a> {
    random: &'a mut Random,
    shared: Vec<Schema>,
    enums: Vec<Vec<serde_json::Value>>,
}

impl Service<'_> {
    fn operation(&mut self, service: usize, index: usize) -> Operation {
        let method = *self.random.weighted(METHODS);
        let mut path = format!("/v3/synth-{service:03}/{}", self.word_pair('-'));
        let mut path_params = Vec::new();
        for n in 0..*self.random.weighted(PATH_PARAMS) {
            let name = format!("{}_{n}", self.word_pair('_'));
            path.push_str(&format!("/{{{name}}}/{}", self.random.pick(WORDS)));
            path_params.push(self.parameter(name, true));
        }
        // Paths are unique: the operation's index ends them.
        path.push_str(&format!("/op{index}"));
        let query_params = match method {
            "GET" => (0..*self.random.weighted(GET_QUERY))
                .map(|n| {
                    let required = self.random.chance(300);
                    let name = format!("q{n}_{}", self.word_pair('_'));
                    self.parameter(name, required)
                })
                .collect(),
            _ => Vec::new(),
        };
        let request_body = match method {
            "GET" | "DELETE" => None,
            _ => {
                let fields = *self.random.weighted(BODY_FIELDS);
                Some(self.object(fields, 0))
            }
        };
        let mut responses = BTreeMap::new();
        match *self.random.weighted(RESPONSE_FIELDS) {
            0 => responses.insert("204".to_owned(), None),
            fields => {
                let body = self.object(fields, 0);
                responses.insert("200".to_owned(), Some(body))
            }
        };
        Operation {
            method: method.to_owned(),
            path,
            tags: vec![format!("合成服务 {service:03}")],
            summary: Some(format!("合成接口 {service:03}-{index:02}")),
            roles: vec!["(synthetic)".to_owned()],
            last_updated: Some("2026.01.01".to_owned()),
            consumes: request_body.as_ref().map(|_| "application/json".to_owned()),
            path_params,
            query_params,
            request_body,
            responses,
            ..Operation::default()
        }
    }

    fn word_pair(&mut self, separator: char) -> String {
        format!(
            "{}{separator}{}",
            self.random.pick(WORDS),
            self.random.pick(WORDS)
        )
    }

    fn parameter(&mut self, name: String, required: bool) -> Parameter {
        let integer = self.random.chance(100);
        Parameter {
            name,
            ty: Some(if integer { "integer" } else { "string" }.to_owned()),
            required,
            ..Parameter::default()
        }
    }

    /// An object of `fields` fields at `depth`; nested objects are sometimes a shape this
    /// service already used.
    fn object(&mut self, fields: usize, depth: usize) -> Schema {
        let mut properties = Vec::with_capacity(fields);
        for n in 0..fields {
            let name = format!("{}_{n}", self.word_pair('_'));
            properties.push(self.field(name, depth));
        }
        Schema {
            ty: Some("object".to_owned()),
            properties: Some(properties),
            ..Schema::default()
        }
    }

    fn nested(&mut self, depth: usize) -> Schema {
        if !self.shared.is_empty() && self.random.chance(300) {
            let index = self.random.below(self.shared.len());
            return self.shared[index].clone();
        }
        let fields = *self.random.weighted(NESTED_FIELDS);
        let object = self.object(fields, depth + 1);
        self.shared.push(object.clone());
        object
    }

    fn field(&mut self, name: String, depth: usize) -> Schema {
        let kind = *self.random.weighted(KINDS[depth.min(3)]);
        let scalar = |ty: &str| Schema {
            ty: Some(ty.to_owned()),
            ..Schema::default()
        };
        let mut schema = match kind {
            Kind::String => scalar("string"),
            Kind::Integer => scalar("integer"),
            Kind::Boolean => scalar("boolean"),
            Kind::Datetime => Schema {
                format: Some("rfc3339".to_owned()),
                ..scalar("string")
            },
            Kind::Enum => Schema {
                values: Some(self.enum_values()),
                ..scalar("string")
            },
            Kind::Object => self.nested(depth),
            Kind::ObjectArray => Schema {
                items: Some(Box::new(self.nested(depth))),
                ..scalar("array")
            },
            Kind::ScalarArray => Schema {
                items: Some(Box::new(scalar("string"))),
                ..scalar("array")
            },
        };
        schema.name = Some(name.clone());
        schema.required = self.random.chance(450);
        schema.description = Some(format!("【{name}】 合成字段"));
        schema
    }

    fn enum_values(&mut self) -> Vec<serde_json::Value> {
        if !self.enums.is_empty() && self.random.chance(400) {
            let index = self.random.below(self.enums.len());
            return self.enums[index].clone();
        }
        let size = *self.random.weighted(ENUM_SIZES);
        let prefix = self.random.pick(WORDS).to_ascii_uppercase();
        let values: Vec<serde_json::Value> = (0..size)
            .map(|n| serde_json::Value::from(format!("{prefix}_{n}")))
            .collect();
        self.enums.push(values.clone());
        values
    }
}
