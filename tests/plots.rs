//! The SVG plots are well-formed XML and hold the numbers they show (checked without a
//! browser: a small tag-balance parser stands in for one).

use stratanet::prelude::*;
use stratanet::train::{plot, ClassReport};

/// Checks that `svg` is one well-formed element tree rooted at `<svg …>`: every tag closes in
/// order, every attribute value is quoted, `&` and `<` appear only as markup.
fn assert_well_formed(svg: &str) {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = svg.trim();
    assert!(rest.starts_with("<svg "), "root is not <svg>");
    while let Some(at) = rest.find('<') {
        assert!(!rest[..at].contains('&'), "a bare & in text");
        let end = rest[at..].find('>').expect("a tag without >") + at;
        let tag = &rest[at + 1..end];
        assert!(!tag.contains('<'), "a < inside a tag: {tag}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                open.pop(),
                Some(name.trim()),
                "</{name}> closes another element"
            );
        } else {
            let name = tag.split_whitespace().next().expect("a tag name");
            let attributes = tag[name.len()..].trim_end_matches('/');
            // name="value" pairs only
            let mut parts = attributes.split('"');
            while let Some(key) = parts.next() {
                match parts.next() {
                    Some(_value) => {
                        assert!(key.trim().ends_with('='), "attribute not quoted in <{tag}>")
                    }
                    None => assert!(key.trim().is_empty(), "attribute not quoted in <{tag}>"),
                }
            }
            if !tag.ends_with('/') {
                open.push(name);
            }
        }
        rest = &rest[end + 1..];
        if open.is_empty() {
            assert!(rest.trim().is_empty(), "content after the root element");
        }
    }
    assert!(open.is_empty(), "unclosed: {open:?}");
}

#[test]
fn training_curves_are_well_formed_and_show_the_last_values() {
    let x: Vec<f32> = (0..40).map(|i| i as f32 / 40.0).collect();
    let y: Vec<f32> = x.iter().map(|v| 3.0 * v - 1.0).collect();
    let mut model = Model::<Vector<1>, Dense<1, 1>>::seeded(0)
        .compile(Mse, Adam::new(0.05))
        .metrics(stratanet::metric::Mae);
    let history = model
        .fit(&x, &y, Fit::epochs(8).validation_split(0.25).silent())
        .unwrap();
    let svg = plot::training_curves(&history);
    assert_well_formed(&svg);
    let last = history.last().unwrap();
    assert!(svg.contains(&format!("loss: {:.4}", last.loss)));
    assert!(svg.contains(&format!("val_loss: {:.4}", last.val_loss.unwrap())));
    assert!(svg.contains(&format!("val_mae: {:.4}", last.val_metric("mae").unwrap())));
    // A panel per value (loss, mae), each with its training and validation curve.
    assert_eq!(svg.matches("<polyline").count(), 4);
    assert!(
        !svg.contains("accuracy"),
        "a regression has no accuracy panel"
    );
    // Without validation there are two curves.
    let history = model.fit(&x, &y, Fit::epochs(3).silent()).unwrap();
    let svg = plot::training_curves(&history);
    assert_well_formed(&svg);
    assert_eq!(svg.matches("<polyline").count(), 2);
}

#[test]
fn confusion_matrix_is_well_formed_and_holds_every_count() {
    let counts = vec![50, 2, 0, 3, 41, 6, 1, 0, 47];
    let report = ClassReport::new(3, counts.clone());
    let svg = plot::confusion_matrix(&report);
    assert_well_formed(&svg);
    assert_eq!(svg.matches("<rect").count(), 9);
    for count in counts {
        assert!(svg.contains(&format!(">{count}</text>")));
    }
    assert!(svg.contains(&format!("recall {:.2}", report.recall(1))));
}

#[test]
#[should_panic(expected = "closes another element")]
fn the_checker_rejects_crossed_tags() {
    assert_well_formed(r#"<svg a="1"><g><text>x</g></text></svg>"#);
}

#[test]
#[should_panic(expected = "not quoted")]
fn the_checker_rejects_unquoted_attributes() {
    assert_well_formed(r#"<svg a=1></svg>"#);
}
