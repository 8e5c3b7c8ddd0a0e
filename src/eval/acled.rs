//! Reading ACLED-style CSV into gold rows: the columns of `../shared/acled-dev/rows.csv`, or a
//! real ACLED export (`event_date` in its own formats, no `published` column: then the text is
//! read as published on the event's day).

use std::path::Path;

use jiff::civil::Date;

use super::GoldRow;

/// Why a file could not be read as ACLED rows.
#[derive(Debug, thiserror::Error)]
pub enum AcledError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Csv { path: String, source: csv::Error },
    #[error(
        "{path}: no {column:?} column (ACLED's columns are event_date, latitude, longitude, notes…)"
    )]
    Column { path: String, column: &'static str },
    #[error("{path} line {line}: {problem}")]
    Row {
        path: String,
        line: u64,
        problem: String,
    },
}

/// The columns read, by position in the file's header.
struct Columns {
    id: Option<usize>,
    published: Option<usize>,
    event_date: usize,
    event_type: Option<usize>,
    sub_event_type: Option<usize>,
    country: Option<usize>,
    location: Option<usize>,
    lat: usize,
    lon: usize,
    fatalities: Option<usize>,
    notes: usize,
}

impl Columns {
    fn of(header: &csv::StringRecord, path: &str) -> Result<Columns, AcledError> {
        let find = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let need = |name: &'static str| {
            find(name).ok_or_else(|| AcledError::Column {
                path: path.to_owned(),
                column: name,
            })
        };
        Ok(Columns {
            id: find("event_id").or_else(|| find("event_id_cnty")),
            published: find("published"),
            event_date: need("event_date")?,
            event_type: find("event_type"),
            sub_event_type: find("sub_event_type"),
            country: find("country"),
            location: find("location"),
            lat: need("latitude")?,
            lon: need("longitude")?,
            fatalities: find("fatalities"),
            notes: need("notes")?,
        })
    }
}

/// Reads the rows of an ACLED-style CSV file, at most `limit` of them.
pub fn read(path: &Path, limit: Option<usize>) -> Result<Vec<GoldRow>, AcledError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| AcledError::Read {
        path: name.clone(),
        source,
    })?;
    let csv_error = |source| AcledError::Csv {
        path: name.clone(),
        source,
    };
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let columns = Columns::of(&reader.headers().map_err(csv_error)?.clone(), &name)?;
    let mut rows = Vec::new();
    for record in reader.records() {
        if limit.is_some_and(|l| rows.len() >= l) {
            break;
        }
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, |p| p.line());
        let row = row(&record, &columns).map_err(|problem| AcledError::Row {
            path: name.clone(),
            line,
            problem,
        })?;
        rows.push(row);
    }
    Ok(rows)
}

fn row(record: &csv::StringRecord, columns: &Columns) -> Result<GoldRow, String> {
    let field = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").trim();
    let number = |i: usize, what: &str| -> Result<f64, String> {
        let text = field(Some(i));
        text.parse()
            .map_err(|_| format!("{what} {text:?} is not a number"))
    };
    let event_date = parse_date(field(Some(columns.event_date)))?;
    let published = match field(columns.published) {
        "" => event_date,
        text => parse_date(text)?,
    };
    let fatalities = match field(columns.fatalities) {
        "" => 0,
        text => text
            .parse()
            .map_err(|_| format!("fatalities {text:?} is not a whole number"))?,
    };
    Ok(GoldRow {
        id: field(columns.id).to_owned(),
        published,
        event_date,
        event_type: field(columns.event_type).parse().ok(),
        sub_event_type: field(columns.sub_event_type).to_owned(),
        country: field(columns.country).to_owned(),
        location: field(columns.location).to_owned(),
        lat: number(columns.lat, "latitude")?,
        lon: number(columns.lon, "longitude")?,
        fatalities,
        text: field(Some(columns.notes)).to_owned(),
    })
}

/// A date as ACLED files write it: `2022-12-10`, `10 December 2022`, `10-December-2022`,
/// `10-Dec-22`, `10/12/2022` (day first, as ACLED's exports outside the US are).
pub fn parse_date(text: &str) -> Result<Date, String> {
    let bad = || format!("event date {text:?} is not a date (2022-12-10, 10 December 2022)");
    if let Ok(date) = text.parse::<Date>() {
        return Ok(date);
    }
    let parts: Vec<&str> = text
        .split([' ', '-', '/', ','])
        .filter(|p| !p.is_empty())
        .collect();
    let [day, month, year] = parts[..] else {
        return Err(bad());
    };
    let day: i8 = day.parse().map_err(|_| bad())?;
    let month: i8 = month
        .parse()
        .ok()
        .or_else(|| month_number(month))
        .ok_or_else(bad)?;
    let year: i16 = match year.parse::<i16>().map_err(|_| bad())? {
        short @ 0..=69 => 2000 + short,
        short @ 70..=99 => 1900 + short,
        full => full,
    };
    Date::new(year, month, day).map_err(|_| bad())
}

fn month_number(name: &str) -> Option<i8> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_ascii_lowercase();
    let stem = lower.get(..3)?;
    MONTHS.iter().position(|m| *m == stem).map(|i| i as i8 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventType;
    use std::io::Write;

    #[test]
    fn acled_dates_in_their_formats() {
        let day = jiff::civil::date(2022, 12, 10);
        for text in [
            "2022-12-10",
            "10 December 2022",
            "10-December-2022",
            "10-Dec-22",
            "10/12/2022",
        ] {
            assert_eq!(parse_date(text), Ok(day), "{text}");
        }
        assert!(parse_date("December").is_err());
        assert!(parse_date("31 February 2022").is_err());
    }

    #[test]
    fn an_export_without_a_published_column_is_read_on_the_event_day() {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        writeln!(
            file,
            "event_id_cnty,event_date,event_type,country,location,latitude,longitude,fatalities,notes\n\
             KEN1,04 March 2019,Riots,Kenya,Nakuru,-0.2833,36.0667,1,\"On 4 March, a mob lynched a suspect in Nakuru.\""
        )
        .expect("write");
        let rows = read(file.path(), None).expect("rows");
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row.published, jiff::civil::date(2019, 3, 4));
        assert_eq!(row.event_type, Some(EventType::Riots));
        assert_eq!((row.id.as_str(), row.fatalities), ("KEN1", 1));
    }

    #[test]
    fn a_file_without_coordinates_says_which_column_is_missing() {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        writeln!(file, "event_date,notes\n2022-01-01,text").expect("write");
        let error = read(file.path(), None).expect_err("no latitude");
        assert!(error.to_string().contains("\"latitude\""), "{error}");
    }
}
