//! Names the community description does not give: services from paths, operation ids from
//! method and path, and type names from where an object sits.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// The service of a path: its first segment after `v3` (`/v3/pay/…` → `pay`), or the segment
/// before it (`/hk/v3/…` → `hk`), as a snake_case name that can be a module and a cargo feature.
pub fn service_name(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let group = match segments.as_slice() {
        ["v3", group, ..] => group,
        [group, ..] => group,
        [] => "root",
    };
    let snake = snake(group);
    match snake.chars().next() {
        Some(c) if c.is_ascii_lowercase() => snake,
        _ => format!("s_{snake}"),
    }
}

/// The path after its `v3` and service segments, as snake_case words; a placeholder `{x}`
/// reads `by_x`. `/v3/pay/transactions/id/{transaction_id}` → `transactions_id_by_transaction_id`.
pub fn path_words(path: &str, service_segment_count: usize) -> String {
    let words: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != "v3")
        .skip(service_segment_count)
        .map(|segment| match segment.strip_prefix('{') {
            Some(rest) => format!("by_{}", snake(rest.trim_end_matches('}'))),
            None => snake(segment),
        })
        .filter(|word| !word.is_empty())
        .collect();
    words.join("_")
}

/// snake_case made of ASCII letters, digits and single underscores only.
pub fn snake(text: &str) -> String {
    let ascii: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    ascii.to_snake_case()
}

/// UpperCamelCase made of ASCII letters and digits only, so it passes the PascalCase rule once
/// it follows a name that starts with a capital.
pub fn pascal(text: &str) -> String {
    snake(text)
        .to_upper_camel_case()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_come_from_the_first_segment_after_v3() {
        assert_eq!(service_name("/v3/pay/transactions/jsapi"), "pay");
        assert_eq!(
            service_name("/v3/new-tax-control-fapiao/x"),
            "new_tax_control_fapiao"
        );
        assert_eq!(service_name("/hk/v3/merchants"), "hk");
        assert_eq!(service_name("/global/v3/customs/orders"), "global");
        assert_eq!(service_name("/v3/3ds/x"), "s_3ds");
    }

    #[test]
    fn path_words_spell_placeholders_as_by() {
        assert_eq!(
            path_words("/v3/pay/transactions/id/{transaction_id}", 1),
            "transactions_id_by_transaction_id"
        );
        assert_eq!(
            path_words("/v3/refund/domestic/refunds", 0),
            "refund_domestic_refunds"
        );
        assert_eq!(path_words("/v3/pay", 1), "");
    }

    #[test]
    fn pascal_keeps_ascii_letters_and_digits() {
        assert_eq!(pascal("out_trade_no"), "OutTradeNo");
        assert_eq!(pascal("3ds-info"), "3dsInfo");
        assert_eq!(pascal("金额"), "");
    }
}
