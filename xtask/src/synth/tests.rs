//! The synthetic spec: valid for the pipeline, and the same for the same seed.

#[test]
fn a_small_synthetic_spec_passes_the_pipeline_and_depends_only_on_its_seed() {
    let first = crate::synth::synthesize(30, 7).expect("synthesizes");
    let again = crate::synth::synthesize(30, 7).expect("synthesizes");
    let other = crate::synth::synthesize(30, 8).expect("synthesizes");
    assert_eq!(first.sources.services, again.sources.services);
    assert_ne!(first.sources.services, other.sources.services);
    assert!(first.warnings.is_empty(), "{:#?}", first.warnings);
    let generated = codegen::generate(&first.sources).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(generated.operations, 30);
    assert!(
        generated.types > 30,
        "nested objects and enums are drawn too"
    );
}

#[test]
fn synthetic_services_hold_fifty_operations() {
    let conversion = crate::synth::synthesize(120, 1).expect("synthesizes");
    assert_eq!(conversion.sources.services.len(), 3);
    assert_eq!(conversion.summary.operations_carried, 120);
}
