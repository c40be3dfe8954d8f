//! Helpers for the generated example tests.

/// Decodes `json` as `T`, encodes it back and compares, leaving out `url_fields` (path and query
/// fields of a request, which travel in the URL and are never in the body).
pub fn round_trip<T>(json: &str, url_fields: &[&str])
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let mut expected: serde_json::Value = serde_json::from_str(json).expect("the example is JSON");
    let decoded: T = serde_json::from_str(json).expect("the example decodes into its model");
    let encoded = serde_json::to_value(&decoded).expect("the model encodes");
    if let Some(object) = expected.as_object_mut() {
        for field in url_fields {
            object.remove(*field);
        }
    }
    assert_eq!(encoded, expected);
}
