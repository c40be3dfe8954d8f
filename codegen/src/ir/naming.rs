//! Rust names for spec names: keywords and leading digits are mapped, never rejected.
//!
//! The wire name is always kept next to the Rust name; `#[serde(rename)]` is emitted only when they
//! differ. Two spec names that map to the same Rust name are a validation error (see
//! `validate::names`), because silently suffixing one would make the API depend on spec order.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Every Rust keyword (strict, reserved and edition-dependent ones such as `gen`), plus the
/// prelude-like names a generated item must not shadow.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names that would shadow items generated code relies on unqualified.
const RESERVED_TYPES: &[&str] = &[
    "Option", "Result", "Some", "None", "Ok", "Err", "String", "Vec", "Box", "Self",
];

pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// A struct field, parameter, method or module name: `snake_case`.
pub fn field_name(wire: &str) -> String {
    let snake = wire.to_snake_case();
    let snake = if snake.is_empty() {
        "field".to_owned()
    } else {
        snake
    };
    if starts_with_digit(&snake) {
        format!("field_{snake}")
    } else if is_keyword(&snake) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// A struct or enum name: `UpperCamelCase`.
pub fn type_name(name: &str) -> String {
    let camel = name.to_upper_camel_case();
    let camel = if camel.is_empty() {
        "Type".to_owned()
    } else {
        camel
    };
    if starts_with_digit(&camel) {
        format!("T{camel}")
    } else if is_keyword(&camel) || RESERVED_TYPES.contains(&camel.as_str()) {
        format!("{camel}_")
    } else {
        camel
    }
}

/// The names the generator adds next to the spec's types, one rule each, so the validator's
/// clash check and the IR spell them identically. `id` is an operation id, `service` a service
/// name, `key` a mode key.
pub fn client_name(service: &str) -> String {
    format!("{}Client", type_name(service))
}

/// The request type of an operation: `ApplyRechargeRequest`.
pub fn request_name(id: &str) -> String {
    format!("{}Request", type_name(id))
}

/// The enum of an operation's merchant modes: `MicropayPayMode`.
pub fn mode_enum_name(id: &str) -> String {
    format!("{}Mode", type_name(id))
}

/// The struct of one mode's fields: `MicropayPayDirect`.
pub fn mode_struct_name(id: &str, key: &str) -> String {
    format!("{}{}", type_name(id), type_name(key))
}

/// The pager of a paged list operation: `ListRefundsPages`.
pub fn pager_name(id: &str) -> String {
    format!("{}Pages", type_name(id))
}

/// The enum of an operation's success statuses, when it documents more than one:
/// `NotifyWebhookOutcome`.
pub fn outcome_name(id: &str) -> String {
    format!("{}Outcome", type_name(id))
}

/// The outcome variant of a success status: its reason phrase (`204` → `NoContent`).
pub fn status_variant(status: u16) -> String {
    match status {
        200 => "Ok".to_owned(),
        201 => "Created".to_owned(),
        202 => "Accepted".to_owned(),
        203 => "NonAuthoritativeInformation".to_owned(),
        204 => "NoContent".to_owned(),
        205 => "ResetContent".to_owned(),
        206 => "PartialContent".to_owned(),
        other => format!("Status{other}"),
    }
}

/// The enum of a service's notifications.
pub const EVENT_ENUM: &str = "Event";

/// An enum variant for a wire value: `BANK_TRANSFER` → `BankTransfer`, `1` → `V1`.
pub fn variant_name(value: &str) -> String {
    let camel = value.to_upper_camel_case();
    let camel = if camel.is_empty() {
        "Value".to_owned()
    } else {
        camel
    };
    if starts_with_digit(&camel) {
        format!("V{camel}")
    } else if is_keyword(&camel) {
        format!("{camel}_")
    } else {
        camel
    }
}

/// The variant that keeps values the spec does not list.
pub const UNKNOWN_VARIANT: &str = "Unknown";

fn starts_with_digit(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// The HTTP verbs an operation id may not start with: an id says what the operation does, and
/// `get_`/`post_` say only how it travels. `delete_` is allowed, because deleting is the act in
/// the domain's own words (the official SDKs' `DeleteReceiver`).
pub const HTTP_VERB_PREFIXES: [&str; 4] = ["get_", "post_", "put_", "patch_"];

/// The longest operation id: ids become method names, docs page names and CLI commands.
pub const MAX_OPERATION_ID: usize = 64;

/// Why an operation id breaks the naming rules, or `None`: snake_case, at most
/// [`MAX_OPERATION_ID`] characters, no HTTP verb prefix, no numeric suffix (`query_order_2`
/// says nothing `query_order` does not).
pub fn operation_id_problem(id: &str) -> Option<String> {
    let mut chars = id.chars();
    let snake = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !id.contains("__")
        && !id.ends_with('_');
    if !snake {
        return Some("must be snake_case (^[a-z][a-z0-9_]*$, no `__`, no trailing `_`)".to_owned());
    }
    if id.len() > MAX_OPERATION_ID {
        return Some(format!(
            "is {} characters long; at most {MAX_OPERATION_ID}",
            id.len()
        ));
    }
    if let Some(verb) = HTTP_VERB_PREFIXES.iter().find(|verb| id.starts_with(*verb)) {
        return Some(format!(
            "starts with the HTTP verb `{verb}`; name what the operation does (query_…, create_…)"
        ));
    }
    let last = id.rsplit('_').next().unwrap_or(id);
    if last.chars().all(|c| c.is_ascii_digit()) {
        return Some("ends with a number; name what sets it apart from the others".to_owned());
    }
    None
}

/// Whether `type_name` spells out `path`: an HTTP verb followed by two or more consecutive
/// literal segments of the path in PascalCase (`PostPartnerTransactionsAppAmount` for
/// `POST /v3/pay/partner/transactions/app`), the shape a mechanical converter gives and a
/// person never would.
pub fn spells_path(type_name: &str, path: &str) -> bool {
    let Some(rest) = ["Get", "Post", "Put", "Patch", "Delete"]
        .iter()
        .find_map(|verb| type_name.strip_prefix(verb))
    else {
        return false;
    };
    let segments: Vec<String> = path
        .split('/')
        .filter(|segment| !segment.is_empty() && !segment.starts_with('{') && *segment != "v3")
        .map(self::type_name)
        .collect();
    segments
        .windows(2)
        .any(|pair| rest.starts_with(&pair.concat()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_get_a_trailing_underscore() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("gen"), "gen_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("option"), "Option_");
        assert_eq!(variant_name("SELF"), "Self_");
    }

    #[test]
    fn leading_digits_get_a_prefix() {
        assert_eq!(field_name("3ds_info"), "field_3ds_info");
        assert_eq!(type_name("3DSecure"), "T3dSecure");
        assert_eq!(variant_name("1"), "V1");
        assert_eq!(variant_name("10_DAYS"), "V10Days");
    }

    #[test]
    fn case_and_separators_are_normalised() {
        assert_eq!(field_name("outTradeNo"), "out_trade_no");
        assert_eq!(field_name("Content-Type"), "content_type");
        assert_eq!(type_name("mch_deposit"), "MchDeposit");
        assert_eq!(
            variant_name("ONLINE_BANK_TYPE_CORPORATE"),
            "OnlineBankTypeCorporate"
        );
        assert_eq!(variant_name("REFUND.SUCCESS"), "RefundSuccess");
    }

    #[test]
    fn names_with_no_letters_still_get_an_identifier() {
        assert_eq!(field_name("__"), "field");
        assert_eq!(variant_name("+"), "Value");
    }
}
