//! Networks that do not fit are rejected at type-check time; the `.stderr` files next to each
//! case pin the message a user sees (review them when they change).

#[test]
fn mismatched_networks_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
