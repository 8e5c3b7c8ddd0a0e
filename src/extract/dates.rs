//! Date expressions in a sentence, and what day they name.
//!
//! Expressions are found on the lexicon's hits (weekdays, months, "hier") and the sentence's
//! numerals. They resolve against the publication date and the date the text last set: a
//! missing year is the publication's (or the year before, never a later date), a weekday alone
//! is its latest occurrence up to publication, and an impossible weekday/year pair ("vendredi 7
//! janvier 2002" in 2022) takes the nearest year where the weekday fits. A year well before
//! publication marks background, which yields no event.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use super::lexicon::{Hit, Term, ends_with_words, starts_with_words};
use super::numbers::Numeral;
use crate::model::TimePrecision;

/// Days named relative to the publication date or to the date in context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelativeDay {
    Today,
    Yesterday,
    DayBeforeYesterday,
    SameDay,
    NextDay,
    DayBefore,
    /// "last week", "la semaine dernière": the week before publication.
    LastWeek,
    /// "this week", "cette semaine": the week of publication.
    ThisWeek,
    /// "over the past week", "ces derniers jours": the seven days before publication.
    PastWeek,
    /// "a year ago", "il y a dix ans", "last year": background, not news.
    YearsAgo,
    /// "overnight": the night before the report's day, dated by its first day as ACLED does.
    Overnight,
    /// "the weekend", "ce week-end": the Saturday on or before the report's day (a weekend is
    /// dated by its first day).
    Weekend,
}

/// A date expression as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateExpr {
    Day {
        weekday: Option<Weekday>,
        day: i8,
        month: i8,
        year: Option<i16>,
    },
    Weekday(Weekday),
    /// A day of the month in context, as a chronology opens its entries ("Le 12, …", "Les 8
    /// et 9, …", "On the 12th, …").
    DayOfMonth(i8),
    Month {
        month: i8,
        year: i16,
    },
    Year(i16),
    Relative(RelativeDay),
}

/// A date expression and its folded span.
#[derive(Debug, Clone, Copy)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub expr: DateExpr,
}

/// A day (or month) the text has dated something to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated {
    pub date: Date,
    pub precision: TimePrecision,
    /// The written date was impossible and was corrected.
    pub corrected: bool,
}

/// What a date expression means in its context.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// A date; `anchored` when it does not lean on the date in context (so it may also date
    /// the sentences before it in its paragraph).
    Dated { dated: Dated, anchored: bool },
    /// Background: a year well before publication.
    Historical,
    /// Nothing to date by (a recent year alone).
    Ignored,
    /// A date that cannot be used, and why.
    Unusable(String),
}

/// What expressions resolve against.
#[derive(Debug, Clone, Copy)]
pub struct Anchor {
    pub published: Option<Date>,
    pub context: Option<Dated>,
    /// The last day the text named in full ("14 May."), which its weekdays are near.
    pub named_day: Option<Date>,
}

/// Years a wrong year may be corrected to, in order of preference around the reference year.
const YEAR_CORRECTIONS: [i16; 7] = [0, -1, 1, -2, 2, -3, 3];

/// A date item: a lexicon hit or a numeral.
#[derive(Clone, Copy)]
enum Item {
    Term(Term),
    Numeral(Numeral),
}

/// A sentence's date items in order, with their folded spans.
struct Items<'a> {
    folded: &'a str,
    items: Vec<(usize, usize, Item)>,
}

impl Items<'_> {
    /// Item `k`, if it continues item `k - 1` (only spaces, commas, "of", "the" between).
    fn after(&self, k: usize) -> Option<Item> {
        let prev_end = self.items.get(k.checked_sub(1)?)?.1;
        self.items
            .get(k)
            .filter(|&&(start, _, _)| adjacent(self.folded, prev_end, start))
            .map(|&(_, _, item)| item)
    }

    /// Item `k`, continuing the previous one unless it starts the expression.
    fn part(&self, k: usize, first: usize) -> Option<Item> {
        if k == first {
            self.items.get(k).map(|&(_, _, item)| item)
        } else {
            self.after(k)
        }
    }

    /// "6 janvier [2022]" or "January 6[, 2022]" from item `k`: day, month, year, items used.
    fn day_month_year(&self, k: usize, first: usize) -> Option<(i8, i8, Option<i16>, usize)> {
        let (day, month) = match (self.part(k, first)?, self.after(k + 1)) {
            (Item::Numeral(n), Some(Item::Term(Term::Month(m)))) => (day_of(n)?, m),
            (Item::Term(Term::Month(m)), Some(Item::Numeral(n))) => (day_of(n)?, m),
            _ => return None,
        };
        match self.after(k + 2) {
            Some(Item::Numeral(y)) if is_year(y) => Some((day, month, Some(year_of(y)), 3)),
            _ => Some((day, month, None, 2)),
        }
    }

    /// The first day of a span of days ending with the day numeral at `k` ("6-7 August",
    /// "6 and 7 August", "between the 25th and 26th of September", "les 6 et 7 août", "du 6 au
    /// 7 août"): its item and day, when the numeral before is an earlier day of the month.
    fn span_start(&self, k: usize, last: i8) -> Option<(usize, i8)> {
        let &(_, end, item) = self.items.get(k.checked_sub(1)?)?;
        let Item::Numeral(n) = item else { return None };
        let first = day_of(n).filter(|&d| d < last)?;
        let gap = self.folded.get(end..self.items[k].0)?.trim();
        let gap = gap.strip_suffix(" the").unwrap_or(gap);
        matches!(gap, "-" | "to" | "and" | "au" | "et" | "a").then_some((k - 1, first))
    }

    /// A chronology's entry opening with a bare day ("Le 12, …", "Les 8 et 9, …", "On the
    /// 12th, …"): the first day and the items used, when the sentence opens with it and a comma
    /// closes it.
    fn chronology_day(&self, i: usize) -> Option<(DateExpr, usize)> {
        let &(start, end, Item::Numeral(n)) = self.items.get(i)? else {
            return None;
        };
        let opening = self.folded[..start].trim();
        if !matches!(opening, "le" | "les" | "on the" | "the") {
            return None;
        }
        let day = day_of(n)?;
        // "Les 8 et 9, …": the span's second day is read with it.
        let (end, used) = match self.items.get(i + 1) {
            Some(&(s, e, Item::Numeral(m)))
                if day_of(m).is_some_and(|d| d > day)
                    && matches!(self.folded[end..s].trim(), "et" | "and" | "-" | "au") =>
            {
                (e, 2)
            }
            _ => (end, 1),
        };
        self.folded[end..]
            .starts_with(',')
            .then_some((DateExpr::DayOfMonth(day), i + used))
    }

    /// "mars 2002", or a year after "en"/"in" ("en 1998-1999").
    fn month_or_year(&self, i: usize, year_intros: &[&str]) -> Option<(DateExpr, usize)> {
        match self.items[i].2 {
            Item::Term(Term::Month(month)) => match self.after(i + 1) {
                Some(Item::Numeral(y)) if is_year(y) => Some((
                    DateExpr::Month {
                        month,
                        year: year_of(y),
                    },
                    i + 2,
                )),
                _ => None,
            },
            Item::Numeral(y)
                if is_year(y) && follows_year_intro(self.folded, y.start, year_intros) =>
            {
                // The second year of a range goes with the first.
                let range_end = match self.items.get(i + 1) {
                    Some(&(s, _, Item::Numeral(z)))
                        if is_year(z) && self.folded[y.end..s].trim() == "-" =>
                    {
                        i + 2
                    }
                    _ => i + 1,
                };
                Some((DateExpr::Year(year_of(y)), range_end))
            }
            _ => None,
        }
    }
}

/// Words after which a bare "20/06" is a day, not a ratio or a score.
const NUMERIC_DATE_INTROS: &[&str] = &[
    "on", "of", "since", "until", "till", "by", "from", "dated", "le", "du", "au", "depuis",
];

/// Numeric dates: "20/06/2015", "22/04/17", and "20/06" after a date word ("on 20/06"). Day
/// first, as in Kenyan, British and French writing, unless only month first is a date
/// ("06/20").
fn numeric_dates(folded: &str, numerals: &[Numeral]) -> Vec<DateMention> {
    let slash_between = |a: &Numeral, b: &Numeral| &folded[a.end..b.start] == "/";
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < numerals.len() {
        let (a, b) = (numerals[i], numerals[i + 1]);
        let small = |n: &Numeral| !n.glued && n.lead_digits <= 2;
        if !(small(&a) && small(&b) && slash_between(&a, &b)) {
            i += 1;
            continue;
        }
        let year = numerals
            .get(i + 2)
            .filter(|c| !c.glued && slash_between(&b, c) && matches!(c.lead_digits, 2 | 4));
        let introduced = folded[..a.start]
            .split_whitespace()
            .next_back()
            .is_some_and(|w| NUMERIC_DATE_INTROS.contains(&w.trim_start_matches('(')));
        let (x, y) = (a.value, b.value);
        let day_month = match (x, y) {
            (1..=31, 1..=12) => Some((x, y)),
            (1..=12, 13..=31) => Some((y, x)),
            _ => None,
        };
        match day_month {
            Some((day, month)) if year.is_some() || introduced => {
                let year = year.map(|c| {
                    let y = if c.lead_digits == 2 {
                        2000 + c.value
                    } else {
                        c.value
                    };
                    i16::try_from(y).unwrap_or(i16::MAX)
                });
                out.push(DateMention {
                    start: a.start,
                    end: year.map_or(b.end, |_| numerals[i + 2].end),
                    expr: DateExpr::Day {
                        weekday: None,
                        day: i8::try_from(day).unwrap_or(0),
                        month: i8::try_from(month).unwrap_or(0),
                        year,
                    },
                });
                i += if year.is_some() { 3 } else { 2 };
            }
            _ => i += 1,
        }
    }
    out
}

/// The date expressions of a folded sentence.
pub fn find(
    folded: &str,
    hits: &[Hit],
    numerals: &[Numeral],
    year_intros: &[&str],
) -> Vec<DateMention> {
    let mut items: Vec<(usize, usize, Item)> = hits
        .iter()
        .filter(|h| {
            matches!(
                h.term,
                Term::Weekday(_) | Term::Month(_) | Term::TimeOfDay | Term::Relative(_)
            )
        })
        .map(|h| (h.start, h.end, Item::Term(h.term)))
        .collect();
    // An ordinal day's item ends after its suffix, so "16th July" and "1er mai" read as one
    // date like "16 July".
    items.extend(numerals.iter().map(|n| {
        let suffix = if n.ordinal {
            folded[n.end..]
                .bytes()
                .take_while(u8::is_ascii_alphabetic)
                .count()
        } else {
            0
        };
        (n.start, n.end + suffix, Item::Numeral(*n))
    }));
    items.sort_by_key(|&(start, _, _)| start);
    let items = Items { folded, items };

    let numeric = numeric_dates(folded, numerals);
    let in_numeric = |at: usize| numeric.iter().any(|d| (d.start..d.end).contains(&at));
    let mut out = Vec::new();
    let mut i = 0;
    while i < items.items.len() {
        let (start, _, item) = items.items[i];
        if in_numeric(start) {
            i += 1;
            continue;
        }
        let found = match item {
            Item::Term(Term::Weekday(w)) => {
                let mut k = i + 1;
                if matches!(items.after(k), Some(Item::Term(Term::TimeOfDay))) {
                    k += 1;
                }
                match items.day_month_year(k, usize::MAX) {
                    Some((day, month, year, used)) => Some((
                        DateExpr::Day {
                            weekday: Some(w),
                            day,
                            month,
                            year,
                        },
                        k + used,
                    )),
                    None => Some((DateExpr::Weekday(w), i + 1)),
                }
            }
            Item::Numeral(_) | Item::Term(Term::Month(_)) => match items.day_month_year(i, i) {
                Some((day, month, year, used)) => {
                    // "6-7 August", "6 and 7 August", "du 6 au 7 août": a span of days is
                    // dated by its first, as ACLED does; the mention covers the whole span.
                    let (first, day) = items.span_start(i, day).unwrap_or((i, day));
                    if first < i {
                        out.push(DateMention {
                            start: items.items[first].0,
                            end: items.items[i + used - 1].1,
                            expr: DateExpr::Day {
                                weekday: None,
                                day,
                                month,
                                year,
                            },
                        });
                        i += used;
                        continue;
                    }
                    Some((
                        DateExpr::Day {
                            weekday: None,
                            day,
                            month,
                            year,
                        },
                        i + used,
                    ))
                }
                None => items
                    .month_or_year(i, year_intros)
                    .or_else(|| items.chronology_day(i)),
            },
            Item::Term(Term::Relative(r)) => Some((DateExpr::Relative(r), i + 1)),
            Item::Term(_) => None,
        };
        match found {
            Some((expr, after)) => {
                let end = items.items[after - 1].1;
                out.push(DateMention { start, end, expr });
                i = after;
            }
            None => i += 1,
        }
    }
    if !numeric.is_empty() {
        out.extend(numeric);
        out.sort_by_key(|m| m.start);
    }
    out
}

fn day_of(n: Numeral) -> Option<i8> {
    let plain_or_ordinal = !n.glued || n.ordinal;
    (plain_or_ordinal && (1..=31).contains(&n.value)).then(|| i8::try_from(n.value).unwrap_or(0))
}

fn is_year(n: Numeral) -> bool {
    !n.glued && n.lead_digits == 4 && (1900..=2100).contains(&n.value)
}

fn year_of(n: Numeral) -> i16 {
    i16::try_from(n.value).unwrap_or(i16::MAX)
}

fn follows_year_intro(folded: &str, at: usize, intros: &[&str]) -> bool {
    let before = folded[..at].trim_end();
    let word = before
        .rsplit(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("");
    intros.contains(&word)
}

/// Only spaces, commas, "of" or "the" separate two parts of one date.
fn adjacent(folded: &str, end: usize, start: usize) -> bool {
    let gap = folded.get(end..start).unwrap_or("x");
    gap.split([' ', ','])
        .all(|w| w.is_empty() || w == "of" || w == "the")
}

/// The clauses of a folded sentence that look back from its news: a relative clause set off by a
/// comma ("in Aktau, where the protests began on Sunday, …", "à Janaozen, où la police avait
/// tué 14 ouvriers en 2011, …") whose date is background or before the date in context. What
/// such a clause tells is not the sentence's event, and its date is not the sentence's.
pub fn look_backs(
    folded: &str,
    mentions: &[DateMention],
    anchor: Anchor,
    relativizers: &[&str],
) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for m in mentions {
        if out.iter().any(|c| c.contains(&m.start)) {
            continue;
        }
        // The clause opens at the last ", <relativizer> " before the date with no comma between.
        let before = &folded[..m.start];
        let comma = before.rfind([',', ';']);
        let Some(start) = comma.filter(|&c| {
            let opener = before[c + 1..].trim_start();
            relativizers.iter().any(|r| starts_with_words(opener, r))
        }) else {
            continue;
        };
        let end = folded[m.end..]
            .find([',', ';'])
            .map_or(folded.len(), |i| m.end + i);
        let looks_back = match resolve(m.expr, anchor) {
            Resolution::Historical => true,
            Resolution::Dated { dated, .. } => anchor.context.is_some_and(|c| dated.date < c.date),
            _ => false,
        };
        if looks_back {
            out.push(start..end);
        }
    }
    out
}

/// What `expr` means against `anchor`.
pub fn resolve(expr: DateExpr, anchor: Anchor) -> Resolution {
    let published = anchor.published;
    let reference = published.or(anchor.context.map(|c| c.date));
    let day = |date: Date, anchored: bool| Resolution::Dated {
        dated: Dated {
            date,
            precision: TimePrecision::Day,
            corrected: false,
        },
        anchored,
    };
    let resolution = match expr {
        DateExpr::Day {
            weekday,
            day: d,
            month,
            year: Some(year),
        } => {
            let Ok(date) = Date::new(year, month, d) else {
                return Resolution::Unusable(format!("{year}-{month:02}-{d:02} is no date"));
            };
            match weekday {
                Some(w) if date.weekday() != w => {
                    match reference.and_then(|r| fit_weekday(d, month, w, r, published)) {
                        Some(fixed) => Resolution::Dated {
                            dated: Dated {
                                date: fixed,
                                precision: TimePrecision::Day,
                                corrected: true,
                            },
                            anchored: true,
                        },
                        None => Resolution::Unusable(format!("{date} is not a {w:?}")),
                    }
                }
                _ if is_distant(year, reference) => Resolution::Historical,
                _ => day(date, true),
            }
        }
        DateExpr::Day {
            weekday,
            day: d,
            month,
            year: None,
        } => {
            let Some(reference) = reference else {
                return Resolution::Unusable(
                    "a day without a year, and no publication date".into(),
                );
            };
            let this_year = Date::new(reference.year(), month, d).ok();
            let date = match (this_year, published) {
                (Some(date), None) => Some(date),
                (Some(date), Some(p)) if date <= p => Some(date),
                // Weeks ahead of publication, a day is one announced ("in force until Jan
                // 19"), not last year's.
                (Some(date), Some(p)) if date <= p.saturating_add(ANNOUNCED_DAYS.days()) => {
                    return Resolution::Unusable(format!(
                        "{date} is after publication ({p}): a day announced, not reported"
                    ));
                }
                _ => Date::new(reference.year() - 1, month, d).ok(),
            };
            match (date, weekday) {
                (Some(date), Some(w)) if date.weekday() != w => {
                    match fit_weekday(d, month, w, reference, published) {
                        Some(fixed) => day(fixed, true),
                        None => Resolution::Unusable(format!("{date} is not a {w:?}")),
                    }
                }
                (Some(date), _) => day(date, true),
                (None, _) => Resolution::Unusable(format!("day {d} of month {month} is no date")),
            }
        }
        DateExpr::DayOfMonth(d) => {
            // The month of the entries before it, else of the report.
            let Some(from) = anchor.context.map(|c| c.date).or(published) else {
                return Resolution::Unusable("a day of the month, and no month in context".into());
            };
            match Date::new(from.year(), from.month(), d) {
                Ok(date) if published.is_none_or(|p| date <= p) => day(date, false),
                _ => Resolution::Unusable(format!("day {d} of the month in context is no date")),
            }
        }
        DateExpr::Weekday(w) => match (anchor.named_day, reference) {
            // After a day the text named in full before publication, a weekday is the one
            // nearest that day ("14 May. Lawyers struck on Monday" is the 14th), never after
            // publication. Weekdays alone count back from publication.
            (Some(c), Some(r)) if c < r => {
                let back = weekdays_back(c, w);
                let ahead = (7 - back) % 7;
                let later = c.saturating_add(i64::from(ahead).days());
                let offset = if ahead < back && published.is_none_or(|p| later <= p) {
                    i64::from(ahead)
                } else {
                    -i64::from(back)
                };
                shifted(c, offset, true)
            }
            (_, Some(r)) => shifted(r, -i64::from(weekdays_back(r, w)), true),
            (_, None) => Resolution::Unusable("a weekday, and no date to count from".into()),
        },
        DateExpr::Relative(rel) => {
            let context = anchor.context.map(|c| c.date).or(published);
            let (from, offset, anchored) = match rel {
                RelativeDay::YearsAgo => return Resolution::Historical,
                RelativeDay::LastWeek | RelativeDay::ThisWeek | RelativeDay::PastWeek => {
                    // The past seven days: the week of their first day.
                    let (shift, back) = match rel {
                        RelativeDay::LastWeek => (0, -7),
                        RelativeDay::PastWeek => (-6, 0),
                        _ => (0, 0),
                    };
                    let from = published
                        .or(context)
                        .and_then(|from| from.checked_add(shift.days()).ok());
                    return match from {
                        Some(from) => week_of(from, back, published),
                        None => Resolution::Unusable("a week, and no date to count from".into()),
                    };
                }
                RelativeDay::Today => (published.or(context), 0, true),
                RelativeDay::Yesterday => (published.or(context), -1, true),
                RelativeDay::DayBeforeYesterday => (published.or(context), -2, true),
                RelativeDay::SameDay => (context, 0, false),
                RelativeDay::NextDay => (context, 1, false),
                RelativeDay::DayBefore => (context, -1, false),
                RelativeDay::Overnight => (published.or(context), -1, false),
                RelativeDay::Weekend => {
                    let from = published.or(context);
                    let back = from.map_or(0, |d| {
                        (d.weekday().to_monday_zero_offset()
                            - Weekday::Saturday.to_monday_zero_offset())
                        .rem_euclid(7)
                    });
                    (from, -i64::from(back), false)
                }
            };
            match from {
                Some(from) => shifted(from, offset, anchored),
                None => Resolution::Unusable("a relative day, and no date to count from".into()),
            }
        }
        DateExpr::Month { month, year } => {
            if is_distant(year, reference) {
                Resolution::Historical
            } else {
                match Date::new(year, month, 1) {
                    Ok(date) => Resolution::Dated {
                        dated: Dated {
                            date,
                            precision: TimePrecision::Month,
                            corrected: false,
                        },
                        anchored: true,
                    },
                    Err(_) => Resolution::Unusable(format!("month {month} is no month")),
                }
            }
        }
        DateExpr::Year(year) if is_distant(year, reference) => Resolution::Historical,
        DateExpr::Year(_) => Resolution::Ignored,
    };
    match (resolution, published) {
        (Resolution::Dated { dated, .. }, Some(p)) if dated.date > p => {
            Resolution::Unusable(format!("{} is after publication ({p})", dated.date))
        }
        (resolution, _) => resolution,
    }
}

/// The Monday of the week `days` from `from`'s, with week precision: the week of an event
/// reported as "last week", never after publication.
fn week_of(from: Date, days: i64, published: Option<Date>) -> Resolution {
    let monday = i64::from(from.weekday().to_monday_zero_offset());
    match from.checked_add((days - monday).days()) {
        Ok(date) if published.is_none_or(|p| date <= p) => Resolution::Dated {
            dated: Dated {
                date,
                precision: TimePrecision::Week,
                corrected: false,
            },
            anchored: true,
        },
        Ok(date) => Resolution::Unusable(format!("{date} is after publication")),
        Err(e) => Resolution::Unusable(e.to_string()),
    }
}

fn shifted(date: Date, days: i64, anchored: bool) -> Resolution {
    match date.checked_add(days.days()) {
        Ok(date) => Resolution::Dated {
            dated: Dated {
                date,
                precision: TimePrecision::Day,
                corrected: false,
            },
            anchored,
        },
        Err(e) => Resolution::Unusable(e.to_string()),
    }
}

/// How far after publication a day without a year is taken for a day ahead, not the same day
/// of the year before.
const ANNOUNCED_DAYS: i64 = 60;

/// Background is more than a year before the reference year.
/// How many days back from `from` the last `weekday` is (0 when `from` is one).
fn weekdays_back(from: Date, weekday: Weekday) -> i8 {
    (from.weekday().to_monday_zero_offset() - weekday.to_monday_zero_offset()).rem_euclid(7)
}

fn is_distant(year: i16, reference: Option<Date>) -> bool {
    reference.is_some_and(|r| year < r.year() - 1)
}

/// The day/month in the year nearest `reference` where it falls on `weekday`, not after
/// publication.
fn fit_weekday(
    day: i8,
    month: i8,
    weekday: Weekday,
    reference: Date,
    published: Option<Date>,
) -> Option<Date> {
    YEAR_CORRECTIONS.iter().find_map(|&delta| {
        let date = Date::new(reference.year() + delta, month, day).ok()?;
        (date.weekday() == weekday && published.is_none_or(|p| date <= p)).then_some(date)
    })
}

/// Words that, right before a day, make it the first day of a night.
const NIGHT_OF: &[&str] = &[
    "nuit de",
    "nuit du",
    "nuit d'",
    "night of",
    "night from",
    "overnight",
    "overnight from",
];

fn opens_a_night(folded: &str, first: &DateMention) -> bool {
    let before = folded[..first.start].trim_end();
    NIGHT_OF.iter().any(|w| ends_with_words(before, w))
}

/// Only "à", "au", "to" or "into" between the night's first day and the day it ends, perhaps
/// after the first day's number ("du mercredi 5 au jeudi 6 janvier", its weekday names it).
fn runs_into(folded: &str, first: &DateMention, next: &DateMention) -> bool {
    let gap = folded.get(first.end..next.start).unwrap_or("").trim();
    let gap = gap.trim_start_matches(|c: char| c.is_ascii_digit()).trim();
    matches!(gap, "a" | "au" | "to" | "into")
}

/// Drops the date mentions that date no happening of their sentence: a weekday owning a noun
/// ("Sunday's vote", "Monday's protest" is told elsewhere) and "overnight" beside a day named in
/// full ("overnight Friday into Saturday" is Friday's). Alone, "overnight" in a report is the
/// night before its day (ACLED dates a night by its first day).
/// `in_dateline` tells the mentions of a news dateline, which date the report, not the night.
pub fn drop_asides(
    folded: &str,
    mentions: &mut Vec<DateMention>,
    in_dateline: impl Fn(&DateMention) -> bool,
) {
    let possessive = |m: &DateMention| {
        matches!(m.expr, DateExpr::Weekday(_)) && folded[m.end..].starts_with("'s ")
    };
    let overnight = |m: &DateMention| m.expr == DateExpr::Relative(RelativeDay::Overnight);
    mentions.retain(|m| !possessive(m));
    // "Dans la nuit de lundi à mardi", "the night of Friday to Saturday": a night is dated by
    // its first day (ACLED); the day it runs into dates nothing.
    let night_ends: Vec<usize> = mentions
        .windows(2)
        .filter(|w| opens_a_night(folded, &w[0]) && runs_into(folded, &w[0], &w[1]))
        .map(|w| w[1].start)
        .collect();
    mentions.retain(|m| !night_ends.contains(&m.start));
    let others = mentions
        .iter()
        .filter(|m| !overnight(m) && !in_dateline(m))
        .count();
    mentions.retain(|m| !(overnight(m) && others > 0));
    // "Around 6 November 2023 (between 5 - 6 November)": a bracket right after a day named in
    // full restates it; the day written in the sentence stands. (After "the weekend" the
    // bracket is what says which days.)
    let bracket_after = |m: &DateMention, next: &DateMention| {
        let gap = folded.get(m.end..next.start).unwrap_or(")");
        gap.trim_start().starts_with('(') && !gap.contains(')')
    };
    let said_in_bracket: Vec<usize> = mentions
        .windows(2)
        .filter(|w| matches!(w[0].expr, DateExpr::Relative(_)) && bracket_after(&w[0], &w[1]))
        .map(|w| w[0].start)
        .collect();
    mentions.retain(|m| !said_in_bracket.contains(&m.start));
    let mut kept_day_end: Option<usize> = None;
    mentions.retain(|m| {
        let restates = kept_day_end.is_some_and(|end| {
            let gap = folded.get(end..m.start).unwrap_or(")");
            gap.trim_start().starts_with('(') && !gap.contains(')')
        });
        if !restates {
            kept_day_end = matches!(m.expr, DateExpr::Day { .. }).then_some(m.end);
        }
        !restates
    });
}

/// Whether the date mention `next` continues the span that the mention ending at `end` begins
/// ("Oct 31 to Nov 2", "du 31 octobre au 2 novembre"): only a joining word between.
pub fn continues_span(folded: &str, end: usize, next: &DateMention) -> bool {
    let gap = folded.get(end..next.start).unwrap_or("x").trim();
    matches!(
        gap,
        "-" | "to" | "and" | "until" | "till" | "au" | "et" | "jusqu'au"
    )
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::extract::lang::Lang;
    use crate::extract::lexicon::Lexicon;
    use crate::extract::numbers::numerals;

    fn exprs(lang: Lang, folded: &str) -> Vec<DateExpr> {
        let lexicon = Lexicon::get(lang);
        let mut hits = Vec::new();
        lexicon.scan(folded, &mut hits);
        find(folded, &hits, &numerals(folded), lexicon.year_intros)
            .into_iter()
            .map(|m| m.expr)
            .collect()
    }

    const PUBLISHED: Anchor = Anchor {
        published: Some(date(2022, 1, 7)),
        context: None,
        named_day: None,
    };

    fn day_of(expr: DateExpr, anchor: Anchor) -> Option<(Date, bool)> {
        match resolve(expr, anchor) {
            Resolution::Dated { dated, .. } => Some((dated.date, dated.corrected)),
            _ => None,
        }
    }

    #[test]
    fn numeric_dates_are_day_first_unless_only_month_first_is_a_date() {
        let day = |day, month, year| DateExpr::Day {
            weekday: None,
            day,
            month,
            year,
        };
        assert_eq!(
            exprs(
                Lang::En,
                "shot on 20/06 and buried on 22/06/2015, then 04/23/17"
            ),
            [
                day(20, 6, None),
                day(22, 6, Some(2015)),
                day(23, 4, Some(2017))
            ]
        );
        assert_eq!(exprs(Lang::Fr, "tue le 3/1"), [day(3, 1, None)]);
        // A bare pair with no date word before it is a ratio or a score.
        assert_eq!(exprs(Lang::En, "3/4 of the shops, a 2/1 win"), []);
    }

    #[test]
    fn finds_french_dates() {
        assert_eq!(
            exprs(
                Lang::Fr,
                "jeudi soir 6 janvier 2022, puis le 7 janvier et mercredi"
            ),
            [
                DateExpr::Day {
                    weekday: Some(Weekday::Thursday),
                    day: 6,
                    month: 1,
                    year: Some(2022)
                },
                DateExpr::Day {
                    weekday: None,
                    day: 7,
                    month: 1,
                    year: None
                },
                DateExpr::Weekday(Weekday::Wednesday),
            ]
        );
        assert_eq!(
            exprs(
                Lang::Fr,
                "il etait en 1998-1999 ministre. en mars 2002, il a ete arrete"
            ),
            [
                DateExpr::Year(1998),
                DateExpr::Month {
                    month: 3,
                    year: 2002
                }
            ]
        );
    }

    #[test]
    fn finds_english_dates() {
        assert_eq!(
            exprs(Lang::En, "on thursday, january 6, 2022 and the next day"),
            [
                DateExpr::Day {
                    weekday: Some(Weekday::Thursday),
                    day: 6,
                    month: 1,
                    year: Some(2022)
                },
                DateExpr::Relative(RelativeDay::NextDay),
            ]
        );
    }

    #[test]
    fn corrects_an_impossible_weekday_year_pair() {
        let wrong = DateExpr::Day {
            weekday: Some(Weekday::Friday),
            day: 7,
            month: 1,
            year: Some(2002),
        };
        assert_eq!(day_of(wrong, PUBLISHED), Some((date(2022, 1, 7), true)));
        let right = DateExpr::Day {
            weekday: Some(Weekday::Monday),
            day: 7,
            month: 1,
            year: Some(2002),
        };
        assert_eq!(resolve(right, PUBLISHED), Resolution::Historical);
    }

    #[test]
    fn resolves_relative_days_and_never_after_publication() {
        let wednesday = DateExpr::Weekday(Weekday::Wednesday);
        assert_eq!(
            day_of(wednesday, PUBLISHED),
            Some((date(2022, 1, 5), false))
        );
        assert_eq!(
            day_of(DateExpr::Relative(RelativeDay::Yesterday), PUBLISHED),
            Some((date(2022, 1, 6), false))
        );
        let in_context = Anchor {
            context: Some(Dated {
                date: date(2022, 1, 5),
                precision: TimePrecision::Day,
                corrected: false,
            }),
            ..PUBLISHED
        };
        assert_eq!(
            day_of(DateExpr::Relative(RelativeDay::NextDay), in_context),
            Some((date(2022, 1, 6), false))
        );
        // 28 December without a year, published in January: the year before.
        let december = DateExpr::Day {
            weekday: None,
            day: 28,
            month: 12,
            year: None,
        };
        assert_eq!(
            day_of(december, PUBLISHED),
            Some((date(2021, 12, 28), false))
        );
        let later = DateExpr::Day {
            weekday: None,
            day: 9,
            month: 1,
            year: Some(2022),
        };
        assert!(matches!(resolve(later, PUBLISHED), Resolution::Unusable(_)));
    }
}
