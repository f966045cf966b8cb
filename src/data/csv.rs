//! A small reader for CSV files of numbers.

use crate::error::{Error, Result};
use alloc::string::ToString;
use alloc::vec::Vec;

/// A CSV table of numbers: `rows × columns` values, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvTable {
    /// Values per row.
    pub columns: usize,
    /// The values, row by row.
    pub values: Vec<f64>,
    /// The line (from 1) each row came from, for error messages.
    lines: Vec<usize>,
}

impl CsvTable {
    /// Parses `text`: comma-separated numbers, `header_lines` lines skipped, blank lines
    /// ignored; a field that is not a number or a row of another width is an `Err` naming the
    /// line and column.
    ///
    /// ```
    /// use stratanet::data::CsvTable;
    /// let table = CsvTable::parse("a,b,class\n1.5,2,0\n3,4,1\n", 1)?;
    /// assert_eq!((table.rows(), table.columns), (2, 3));
    /// let err = CsvTable::parse("1,2\n3,x\n", 0).unwrap_err();
    /// assert_eq!(err.to_string(), "CSV line 2, column 2: expected a number, got `x`");
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    pub fn parse(text: &str, header_lines: usize) -> Result<Self> {
        let (mut values, mut lines, mut columns) = (Vec::new(), Vec::new(), None);
        for (at, line) in text.lines().enumerate().skip(header_lines) {
            if line.trim().is_empty() {
                continue;
            }
            let line_no = at + 1;
            let mut width = 0;
            for (column, field) in line.split(',').enumerate() {
                let field = field.trim();
                let value = field.parse::<f64>().map_err(|_| Error::Csv {
                    line: line_no,
                    column: column + 1,
                    detail: alloc::format!("expected a number, got `{field}`"),
                })?;
                values.push(value);
                width += 1;
            }
            match columns {
                None => columns = Some(width),
                Some(expected) if expected != width => {
                    return Err(Error::Csv {
                        line: line_no,
                        column: width.min(expected) + 1,
                        detail: alloc::format!("expected {expected} columns, got {width}"),
                    })
                }
                Some(_) => {}
            }
            lines.push(line_no);
        }
        Ok(Self {
            columns: columns.unwrap_or(0),
            values,
            lines,
        })
    }

    /// The number of rows.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.lines.len()
    }

    /// The table as features (every column but the last, as `f32`) and class labels (the last
    /// column, which must hold whole numbers ≥ 0: an `Err` naming the line otherwise).
    ///
    /// ```
    /// use stratanet::data::CsvTable;
    /// let (x, labels) = CsvTable::parse("0.5,1,2\n3,4,0\n", 0)?.features_and_labels()?;
    /// assert_eq!((x, labels), (vec![0.5, 1.0, 3.0, 4.0], vec![2, 0]));
    /// assert!(CsvTable::parse("1,0.5\n", 0)?.features_and_labels().is_err());
    /// # Ok::<(), stratanet::Error>(())
    /// ```
    pub fn features_and_labels(&self) -> Result<(Vec<f32>, Vec<usize>)> {
        let (mut x, mut labels) = (Vec::new(), Vec::new());
        for (row, &line) in self
            .values
            .chunks_exact(self.columns.max(1))
            .zip(&self.lines)
        {
            let (&label, features) = row.split_last().expect("rows are not empty");
            if label < 0.0 || label.fract() != 0.0 {
                return Err(Error::Csv {
                    line,
                    column: self.columns,
                    detail: alloc::format!(
                        "expected a class label (a whole number ≥ 0), got {label}"
                    ),
                });
            }
            x.extend(features.iter().map(|&v| v as f32));
            labels.push(label as usize);
        }
        Ok((x, labels))
    }
}

/// Reads and parses the CSV file at `path` (see [`CsvTable::parse`]); a file that cannot be
/// read is an `Err` naming it.
pub fn read_csv(path: impl AsRef<std::path::Path>, header_lines: usize) -> Result<CsvTable> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    CsvTable::parse(&text, header_lines)
}
