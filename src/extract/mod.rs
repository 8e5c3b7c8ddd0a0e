//! The event extractor: a news text in, dated and geocoded ACLED-style [`Event`]s out.
//!
//! The text is read paragraph by paragraph ([`sentences`]), each sentence folded ([`fold`]) and
//! scanned once with its language's lexicon ([`lexicon`]). From the hits come the sentence's
//! dates ([`dates`]), counts ([`counts`]), happenings and their ACLED types ([`kinds`]) and
//! actors ([`actors`]); the gazetteer's mentions give places ([`places`]). A sentence yields
//! one event per place and ACLED type it reports, dated by the date in context.
//!
//! Date context: a header or a sentence with a date dates what follows, until the next date;
//! the sentences of a paragraph that come before its first date share it ("…", a déclaré
//! Tokayev mercredi 5 janvier). Text before any date is dated by publication. A paragraph that
//! turns to background ("En mars 2002, il a été arrêté") yields nothing until its end.
//!
//! A news dateline ("ALMATY, Jan 6 (Reuters) -") sets the date context, and its place stands
//! for the sentence only when the body names none. A relative day moves the context only when
//! it opens its sentence ("The next day, …"); inside a clause ("…and spread to Aktau the next
//! day") it dates that clause alone. A sentence naming several days is a chronology: each of
//! its places takes the day named nearest to it, and it leaves the context as it found it. A
//! relative clause that looks back ("in Aktau, where the protests began on Sunday, …": a day
//! before the context, or a background year) is left out of its sentence, words and figures.
//! "Nationwide", "dans tout le pays" put what their clause reports in the country. A toll
//! broken down by place ("164 tués, dont 103 à Almaty") gives each part at its city and the
//! total where the sentence puts it, else in the country: figures as the text states them.
//! A figure the article states again for the same place and type is one event ([`restated`]).
//!
//! Places: a sentence's events go to the city or region it names nearest to them, else to the
//! one its paragraph named last, else to the article's country. "La ville", "the city" with no
//! name is the city the text named last, for the rest of its paragraph.

mod actors;
mod counts;
mod dates;
mod fold;
mod kinds;
mod lang;
mod lexicon;
mod numbers;
mod places;
mod restated;
mod sentences;

use std::collections::BTreeMap;
use std::ops::Range;

use jiff::civil::Date;

pub use lang::Lang;

use crate::gazetteer::{Gazetteer, Mention, Place, PlaceKind};
use crate::model::{CountKind, CountQualifier, Event, EventType, SentenceIds, TimePrecision};
use counts::Count;
use dates::{Anchor, DateExpr, DateMention, Dated, Resolution};
use fold::Folded;
use kinds::{Happening, Licence, SentenceFacts};
use lexicon::{Hit, Lexicon, Term};
use numbers::Numeral;
use places::{Located, Setting};

/// The first source: a French live-blog on the January 2022 unrest in Kazakhstan.
pub const SEED_ARTICLE: &str = include_str!("../../geodata/articles/kazakhstan-2022-01-fr.txt");

/// A text to read.
#[derive(Debug, Clone, Copy)]
pub struct ArticleText<'a> {
    pub text: &'a str,
    /// File name or URL, copied into every event.
    pub source: &'a str,
    /// Publication date: dates without a year take its year, and no event is dated after it.
    pub published: Option<Date>,
    /// `None` detects the language.
    pub lang: Option<Lang>,
}

/// The events of a text, ordered by (date, id), and what could not be used.
#[derive(Debug, Clone)]
pub struct Extraction {
    pub lang: Lang,
    pub events: Vec<Event>,
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("the text is empty")]
    Empty,
    #[error("unknown language {0:?}; expected fr or en")]
    UnknownLang(String),
}

/// The seed article, as published.
pub fn seed_article() -> ArticleText<'static> {
    ArticleText {
        text: SEED_ARTICLE,
        source: "kazakhstan-2022-01-fr.txt",
        published: Some(jiff::civil::date(2022, 1, 7)),
        lang: Some(Lang::Fr),
    }
}

/// Reads `article` into events.
pub fn extract(gazetteer: &Gazetteer, article: &ArticleText) -> Result<Extraction, ExtractError> {
    if article.text.trim().is_empty() {
        return Err(ExtractError::Empty);
    }
    let lang = article.lang.unwrap_or_else(|| Lang::detect(article.text));
    let mut reader = Reader::new(gazetteer, article, lang);
    for paragraph in sentences::paragraphs(article.text) {
        reader.paragraph(&paragraph);
    }
    Ok(reader.finish())
}

/// The state of one reading: the date in context, buffers reused from sentence to sentence,
/// and what has been found.
struct Reader<'a, 'g> {
    article: &'a ArticleText<'a>,
    lang: Lang,
    lexicon: &'static Lexicon,
    gazetteer: &'g Gazetteer,
    /// The gazetteer's mentions in the whole text, in order.
    mentions: Vec<Mention<'g>>,
    home: Option<&'g Place>,
    context: Option<Dated>,
    folded: Folded,
    hits: Vec<Hit>,
    /// The sentences of the paragraph read, a buffer reused from paragraph to paragraph.
    sentences: Vec<Range<usize>>,
    /// The type of the last violent event since the last header, before the paragraph read.
    violence: Option<(EventType, &'static str)>,
    /// The last day named in full: a live blog's entries ("14H30 : …") are of that day, whatever
    /// day the entry before looked back to.
    report_day: Option<Dated>,
    /// The events of the last header, kept only if the section under it tells none.
    headline: Option<Range<usize>>,
    /// Where the story is told from: its one city or region is where a sentence that names no
    /// place happened, as a reader takes it, rather than somewhere in the country.
    scene: places::Scene,
    /// A body paragraph has been read: a header from here on opens a new section.
    read_body: bool,
    events: Vec<Event>,
    warnings: Vec<String>,
}

/// What the dates of one sentence say.
struct SentenceDates {
    mentions: Vec<DateMention>,
    numerals: Vec<Numeral>,
    /// The sentence's first date, and whether it may also date the sentences before it in its
    /// paragraph: a day named in full ("mercredi 5 janvier"), not one leaning on the context
    /// ("le lendemain") nor a bare weekday, which in a later sentence is more often a look back
    /// ("in Aktau, where the protests began on Sunday").
    own: Option<(Dated, bool)>,
    /// The sentence is background (a year well before publication).
    historical: bool,
    /// Every day the sentence names, with the folded span that names it (not the dateline's).
    days: Vec<(Range<usize>, Dated)>,
    /// Where the sentence's body starts after a news dateline ("ALMATY, Jan 6 (Reuters) -"),
    /// 0 without one.
    body: usize,
}

/// A sentence of a paragraph waiting for the paragraph's dates.
struct Pending<'g> {
    range: Range<usize>,
    drafts: Vec<Draft<'g>>,
    actors: Vec<String>,
    date: Option<Dated>,
    own: Option<(Dated, bool)>,
}

/// What earlier sentences of the paragraph tell the next one.
#[derive(Clone, Copy)]
struct ParagraphContext {
    /// Index of the city or region the paragraph named last.
    inherited: Option<usize>,
    /// `inherited` is the story's scene, not a place of the paragraph.
    from_scene: bool,
    /// The paragraph has named protesters.
    protesters: bool,
    /// The type of the paragraph's last violent event before this sentence.
    violence: Option<(EventType, &'static str)>,
    /// The type of the last violent event in the paragraphs before, since the last header.
    earlier_violence: Option<(EventType, &'static str)>,
}

/// An event of a sentence before it has a date.
struct Draft<'g> {
    place: Located<'g>,
    kind: (EventType, &'static str),
    /// The draft's own day when its sentence names several.
    date: Option<Dated>,
    counts: BTreeMap<CountKind, (Option<u32>, Option<CountQualifier>)>,
}

impl<'a, 'g> Reader<'a, 'g> {
    fn new(gazetteer: &'g Gazetteer, article: &'a ArticleText<'a>, lang: Lang) -> Self {
        let geography = gazetteer.geography(
            article.text,
            gazetteer.mentions(article.text, None, lang.dictionaries()),
        );
        let home_code = geography.home().map(str::to_owned);
        let mut mentions = geography.mentions;
        let capitals =
            places::capital_mentions(article.text, &mentions, gazetteer, home_code.as_deref());
        if !capitals.is_empty() {
            mentions.extend(capitals);
            mentions.sort_by_key(|m| m.start);
        }
        Reader {
            gazetteer,
            article,
            lang,
            lexicon: Lexicon::get(lang),
            mentions,
            home: home_code.and_then(|code| gazetteer.country(&code)),
            context: None,
            folded: Folded::default(),
            hits: Vec::new(),
            sentences: Vec::new(),
            violence: None,
            report_day: None,
            headline: None,
            scene: places::Scene::default(),
            read_body: false,
            events: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn paragraph(&mut self, paragraph: &sentences::Paragraph) {
        if paragraph.header {
            if self.read_body {
                self.scene.close();
            }
            // A header dates what follows, and its happenings are usually told again in the
            // body. It is read like a body paragraph, but its events stand only if the section
            // under it tells nothing: a headline alone, or over text that names no event.
            self.close_headline();
            let first = self.events.len();
            self.body(paragraph);
            self.headline = Some(first..self.events.len());
            self.violence = None;
            return;
        }
        self.read_body = true;
        self.body(paragraph);
    }

    /// Drops the last header's events when the section under it told events of its own.
    fn close_headline(&mut self) {
        if let Some(told) = self.headline.take()
            && self.events.len() > told.end
        {
            self.events.drain(told);
        }
    }

    fn body(&mut self, paragraph: &sentences::Paragraph) {
        let text = self.article.text;
        if sentences::timestamped(&text[paragraph.range.clone()]) {
            self.context = self.report_day.or(self.context);
        }
        // The sentences' buffer is the reader's, taken for the paragraph and given back.
        let mut sentences = std::mem::take(&mut self.sentences);
        sentences::sentences_into(text, paragraph.range.clone(), &mut sentences);
        let mut pending: Vec<Pending<'g>> = Vec::with_capacity(sentences.len());
        let mut background = false;
        let mut inherited: Option<usize> = None;
        // "A thief was lynched on Sunday. He had robbed a rider from Kilifi town.": in a text
        // that has named no place yet, a sentence that names none is at the first city or
        // region its paragraph goes on to name (a place named earlier, a country in a heading
        // among them, sets the story's scene instead).
        let in_paragraph = self.mentions_in(&paragraph.range);
        let named_before = in_paragraph.start > 0;
        let ahead = self.mentions[in_paragraph.clone()]
            .iter()
            .position(|m| m.place.kind != PlaceKind::Country)
            .filter(|_| !named_before)
            .map(|i| in_paragraph.start + i);
        let mut protesters = false;
        let earlier_violence = self.violence;
        let mut violence = None;
        for range in sentences.drain(..) {
            let dates = self.read_dates(range.clone());
            if dates.own.is_some() {
                background = false;
            } else if dates.historical {
                background = true;
            }
            let sentence_mentions = self.mentions_in(&range);
            // "Pendant les émeutes, la ville a subi d'énormes dégâts": the city named last,
            // perhaps in a header or an earlier paragraph, is the paragraph's from here on.
            let names_city = self.mentions[sentence_mentions.clone()]
                .iter()
                .any(|m| m.place.kind == PlaceKind::City);
            if !names_city && self.hits.iter().any(|h| h.term == Term::TheCity) {
                inherited = self.mentions[..sentence_mentions.start]
                    .iter()
                    .rposition(|m| m.place.kind == PlaceKind::City)
                    .or(inherited);
            }
            let date = dates
                .own
                .map(|(d, _)| d)
                .or(self.context)
                .or_else(|| self.published());
            let (drafts, actors, names_protesters) = if background {
                (Vec::new(), Vec::new(), false)
            } else {
                let names_a_place = !self.mentions[sentence_mentions.clone()].is_empty();
                let own = inherited.or(ahead.filter(|_| !names_a_place));
                let scene = self
                    .scene
                    .on(dates.own.map(|(d, _)| d.date))
                    .filter(|_| own.is_none() && !names_a_place);
                let context = ParagraphContext {
                    inherited: own.or(scene),
                    from_scene: scene.is_some(),
                    protesters,
                    violence,
                    earlier_violence,
                };
                self.draft(&range, &dates, sentence_mentions.clone(), context)
            };
            if let Some(d) = drafts.iter().rev().find(|d| kinds::is_violent(d.kind)) {
                violence = Some(d.kind);
            }
            for draft in &drafts {
                let day = draft.date.or(date).map(|d| d.date);
                self.scene
                    .add(draft.place.at, day, &self.mentions, self.home);
            }
            protesters |= names_protesters;
            if let Some(last) = places::most_precise_last(&self.mentions[sentence_mentions.clone()])
            {
                inherited = Some(sentence_mentions.start + last);
            }
            pending.push(Pending {
                range,
                drafts,
                actors,
                date,
                own: dates.own,
            });
        }
        self.sentences = sentences;
        // Sentences before the paragraph's first date share it.
        let first_date = pending.iter().enumerate().find_map(|(i, p)| match p.own {
            Some((date, true)) => Some((i, date)),
            _ => None,
        });
        if let Some((first, date)) = first_date {
            for p in &mut pending[..first] {
                p.date = Some(date);
            }
        }
        self.violence = violence.or(earlier_violence);
        let first = self.events.len();
        let mut told = Vec::new();
        for (ordinal, p) in pending.into_iter().enumerate() {
            let range = p.range.clone();
            let before = self.events.len();
            self.emit(p);
            told.extend(std::iter::repeat_n(
                (ordinal, range),
                self.events.len() - before,
            ));
        }
        // Only a paragraph with two events or more can tell one happening twice.
        if self.events.len() - first > 1 {
            let mut paragraph_events = self.events.split_off(first);
            restated::merge_continued(
                &mut paragraph_events,
                &mut told,
                self.article.text,
                self.article.source,
            );
            self.events.append(&mut paragraph_events);
        }
    }

    fn published(&self) -> Option<Dated> {
        self.article.published.map(|date| Dated {
            date,
            precision: TimePrecision::Day,
            corrected: false,
        })
    }

    /// The index range of the mentions inside `range`.
    fn mentions_in(&self, range: &Range<usize>) -> Range<usize> {
        let start = self.mentions.partition_point(|m| m.start < range.start);
        let end = self.mentions.partition_point(|m| m.start < range.end);
        start..end
    }

    /// Folds and scans a sentence, resolves its dates and moves the date context.
    fn read_dates(&mut self, range: Range<usize>) -> SentenceDates {
        let sentence = &self.article.text[range];
        let body = sentences::dateline(sentence).unwrap_or(0);
        self.folded.fold(sentence);
        self.hits.clear();
        self.lexicon.scan(&self.folded.text, &mut self.hits);
        let mut numerals = numbers::numerals(&self.folded.text);
        let mut mentions = dates::find(
            &self.folded.text,
            &self.hits,
            &numerals,
            self.lexicon.year_intros,
        );
        let folded = &self.folded;
        dates::drop_asides(&folded.text, &mut mentions, |m| {
            folded.origin(m.start) < body
        });
        // "Khabar 24, 44 personnes…": a number that ends a name is no quantity (dates, read
        // above, keep theirs: "On January 5, …").
        let folded = &self.folded;
        numerals.retain(|n| {
            !sentences::ends_a_name(sentence, folded.origin(n.start), folded.origin(n.end))
        });
        // A look back ("where the protests began on Sunday") is left out of the sentence: its
        // words, figures and dates.
        let anchor = Anchor {
            published: self.article.published,
            context: self.context,
            named_day: self.report_day.map(|d| d.date),
        };
        let look_backs = dates::look_backs(
            &self.folded.text,
            &mentions,
            anchor,
            self.lexicon.relativizers,
        );
        if !look_backs.is_empty() {
            let outside = |at: usize| !look_backs.iter().any(|c| c.contains(&at));
            self.hits.retain(|h| outside(h.start));
            numerals.retain(|n| outside(n.start));
            mentions.retain(|m| outside(m.start));
        }
        let (folded, lexicon) = (&self.folded.text, self.lexicon);
        self.hits.retain(|h| {
            h.term != Term::Count(CountKind::Arrests) || !lexicon.released_arrest(folded, h)
        });
        let mut own = None;
        let mut historical = false;
        let mut days = Vec::new();
        let mut before = self.context;
        // A dateline's date is the report's: it sets the context, and dates the sentence only
        // when the body names no day of its own.
        let mut dateline_day = None;
        // A relative day ("the next day") counts from the sentence's own dates. It moves the
        // context of the sentences after it only when it opens the sentence and so sets the
        // scene ("The next day, protesters stormed…"); inside a clause ("…and spread to Aktau
        // the next day") it dates that clause alone.
        let mut local = self.context;
        let folded_text = &self.folded.text;
        // Where the last plan's days end: "called for Oct 31 to Nov 2" is one plan.
        let mut plan_end = None;
        for m in &mentions {
            let plan = self.lexicon.names_a_plan(folded_text, m.start)
                || plan_end.is_some_and(|end| dates::continues_span(folded_text, end, m));
            plan_end = plan.then_some(m.end);
            let anchor = Anchor {
                published: self.article.published,
                context: local,
                named_day: self.report_day.map(|d| d.date),
            };
            match dates::resolve(m.expr, anchor) {
                // "2,000 detained since Wednesday": the figure is of the days since, told on
                // the day in context; Wednesday dates nothing.
                Resolution::Dated { .. } if self.lexicon.opens_period(folded_text, m.start) => {}
                // "during the blockade called for 26-27 November": the plan's days date nothing.
                Resolution::Dated { .. } if plan => {}
                Resolution::Dated { dated, anchored } if self.folded.origin(m.start) < body => {
                    self.report_day = Some(dated);
                    dateline_day.get_or_insert((dated, anchored));
                    local = Some(dated);
                    self.context = Some(dated);
                    before = Some(dated);
                }
                Resolution::Dated { dated, anchored } => {
                    let names_the_day = matches!(m.expr, DateExpr::Day { .. });
                    if names_the_day {
                        self.report_day = Some(dated);
                    }
                    own.get_or_insert((dated, anchored && names_the_day));
                    days.push((m.start..m.end, dated));
                    local = Some(dated);
                    let opens = folded_text[..m.start].trim().is_empty();
                    if opens || !matches!(m.expr, DateExpr::Relative(_)) {
                        self.context = Some(dated);
                    }
                }
                Resolution::Historical => historical = true,
                Resolution::Ignored => {}
                Resolution::Unusable(why) => {
                    let written = &sentence[self.folded.origin(m.start)..self.folded.origin(m.end)];
                    self.warnings
                        .push(format!("date \"{written}\" ignored: {why}"));
                }
            }
        }
        // A chronology ("began on Sunday in Zhanaozen and spread to Aktau the next day") dates
        // its own clauses; what follows it keeps the date it had before.
        if days.iter().any(|(_, d)| d.date != days[0].1.date) {
            self.context = before;
        }
        let own = own.or(dateline_day);
        SentenceDates {
            mentions,
            numerals,
            own,
            historical,
            days,
            body,
        }
    }

    /// The events of the sentence just scanned, its actors, and whether it names protesters.
    fn draft(
        &mut self,
        range: &Range<usize>,
        dates: &SentenceDates,
        mentions: Range<usize>,
        context: ParagraphContext,
    ) -> (Vec<Draft<'g>>, Vec<String>, bool) {
        let hits = &self.hits;
        let folded = &self.folded;
        let details = |h: &Hit| h.term == Term::Detail && folded.text[..h.start].trim().is_empty();
        if hits.iter().any(|h| h.term == Term::Meta || details(h)) {
            return (Vec::new(), Vec::new(), false);
        }
        let (counts, ambiguous) = counts::find(
            &folded.text,
            hits,
            &dates.numerals,
            &dates.mentions,
            self.lexicon,
        );
        let sentence = &self.article.text[range.clone()];
        self.warnings.extend(ambiguous.into_iter().map(|span| {
            let written = &sentence[folded.origin(span.start)..folded.origin(span.end)];
            format!("\"{written}…\" counts more than one kind at once; no count kept")
        }));
        let groups: Vec<(usize, actors::Group)> = hits
            .iter()
            .filter_map(|h| match h.term {
                // People named before any happening and followed by an active verb did it.
                Term::Group(actors::Group::Folk | actors::Group::People)
                    if self.lexicon.acting(&folded.text, h)
                        && !hits
                            .iter()
                            .take_while(|c| c.start < h.start)
                            .any(|c| matches!(c.term, Term::Cue(..))) =>
                {
                    Some((h.start, actors::Group::Partisans))
                }
                Term::Group(actors::Group::Folk) => Some((h.start, actors::Group::Civilians)),
                Term::Group(actors::Group::People) => None,
                Term::Group(g) => Some((h.start, g)),
                _ => None,
            })
            .collect();
        let names_protesters = groups.iter().any(|&(_, g)| g == actors::Group::Protesters);
        // A dateline's place stands for the sentence only when its body names none.
        let mut mentions = mentions;
        if dates.body > 0 {
            let body_start = range.start + dates.body;
            let first = mentions.start
                + self.mentions[mentions.clone()].partition_point(|m| m.start < body_start);
            if first < mentions.end {
                mentions.start = first;
            }
        }
        let setting = Setting {
            text: self.article.text,
            mentions: &self.mentions[mentions],
            inherited: context.inherited.map(|i| &self.mentions[i]),
            home: self.home,
            gazetteer: self.gazetteer,
        };
        let mut facts = SentenceFacts {
            eventive: hits.iter().any(|h| h.term == Term::Eventive),
            names_locality: setting.names_locality(),
            has_count: !counts.is_empty(),
            groups: &groups,
            protest_context: context.protesters || names_protesters,
            riot_context: context
                .violence
                .is_some_and(|(kind, _)| kind == EventType::Riots),
            intervention: false,
        };
        let cues: Vec<(usize, Happening)> = hits
            .iter()
            .filter_map(|h| match h.term {
                Term::Cue(happening, licence) => Some((h.start, happening, licence)),
                Term::Count(CountKind::Arrests) => {
                    let licence = if self.lexicon.ambiguous_arrest(&folded.text, h) {
                        Licence::People
                    } else if self.lexicon.passive_arrest(&folded.text, h) {
                        // "was arrested", "a été interpellé": the sentence asserts an arrest.
                        Licence::Strong
                    } else {
                        Licence::Weak
                    };
                    Some((h.start, Happening::Arrest, licence))
                }
                Term::Blockade => self.lexicon.blocks_a_road(&folded.text, h).then_some((
                    h.start,
                    Happening::Protest,
                    Licence::Civil,
                )),
                _ => None,
            })
            .filter(|&(_, _, licence)| facts.licenses(licence))
            .map(|(at, happening, _)| (at, happening))
            .collect();
        facts.intervention = cues
            .iter()
            .any(|&(_, h)| matches!(h, Happening::ProtestIntervention | Happening::Arrest));

        let at_text = |at: usize| range.start + folded.origin(at);
        // "Internet access was cut nationwide": what its clause reports covers the country (or
        // the region, "dans toute la région").
        let in_clause = |at: usize, term: Term| {
            hits.iter().any(|h| {
                h.term == term && same_clause(&folded.text, at.min(h.start), at.max(h.start))
            })
        };
        let nationwide = |at: usize| in_clause(at, Term::Nationwide);
        let places_of = |at: usize| -> Vec<Located<'g>> {
            let wide = if nationwide(at) {
                setting.country()
            } else if in_clause(at, Term::Regionwide) {
                setting.region(at_text(at))
            } else {
                None
            };
            match wide {
                Some(place) => vec![place],
                None => setting.locate_all(at_text(at)),
            }
        };
        // A protest is one with intervention where the police acted, not wherever the sentence
        // goes ("began in Mangistau on Sunday and spread to Almaty, where police detained 200").
        let intervened: Vec<Located<'g>> = if facts.intervention
            && cues.iter().any(|&(_, h)| h == Happening::Protest)
        {
            cues.iter()
                .filter(|&&(_, h)| matches!(h, Happening::ProtestIntervention | Happening::Arrest))
                .flat_map(|&(at, _)| places_of(at))
                .collect()
        } else {
            Vec::new()
        };
        let mut drafts: Vec<Draft<'g>> = Vec::new();
        for &(at, happening) in &cues {
            let kind = kinds::classify(happening, at, &facts);
            for place in places_of(at) {
                let kind = if happening == Happening::Protest
                    && kind == kinds::PROTEST_WITH_INTERVENTION
                    && !intervened.iter().any(|i| i.same_place(&place))
                {
                    kinds::PEACEFUL_PROTEST
                } else {
                    kind
                };
                find_or_add(&mut drafts, place, kind);
            }
        }
        // A breakdown ("164 tués, dont 103 à Almaty") puts each part at the place it names
        // and the total where the sentence puts it before its figure, else in the country; a
        // part that names no place ("dont 30 policiers") is already in its total.
        let part_places: Vec<Option<places::Located>> = counts
            .iter()
            .enumerate()
            .map(|(i, count)| {
                count.part_of?;
                let end = counts.get(i + 1).map_or(range.end, |next| at_text(next.at));
                setting.named_in(at_text(count.at), end)
            })
            .collect();
        let broken_down = |t: usize| {
            counts
                .iter()
                .zip(&part_places)
                .any(|(c, place)| c.part_of == Some(t) && place.is_some())
        };
        let armed = facts.has(actors::Group::Armed);
        for (i, count) in counts.iter().enumerate() {
            let country = if nationwide(count.at) {
                setting.country()
            } else {
                None
            };
            let place = if count.part_of.is_some() {
                match &part_places[i] {
                    Some(own) => Some(own.clone()),
                    None => continue,
                }
            } else if broken_down(i) {
                country
                    .or_else(|| setting.named_before(at_text(count.at)))
                    .or_else(|| setting.country())
            } else {
                country.or_else(|| setting.locate(at_text(count.at)))
            };
            let Some(place) = place else {
                continue;
            };
            let index = draft_for_count(&mut drafts, place, count, &context, armed);
            drafts[index].add(count);
        }
        if context.from_scene {
            national_measures(&mut drafts, &setting);
        }
        if drafts.is_empty() {
            return (drafts, Vec::new(), names_protesters);
        }
        if dates
            .days
            .iter()
            .any(|(_, d)| d.date != dates.days[0].1.date)
        {
            self.date_places(range, &dates.days, &setting, &mut drafts);
        }
        let deployment = cues.iter().any(|&(_, h)| h == Happening::Deployment);
        let home = self.home.map(|h| h.name.as_str());
        let actors = actors::actors(hits, home, deployment);
        (drafts, actors, names_protesters)
    }

    /// In a sentence naming several days ("began on Sunday in Zhanaozen … and spread to Aktau
    /// the next day"), each place takes the day named nearest to it, and a city or region with
    /// a day of its own gets the happening told just before it.
    fn date_places(
        &self,
        range: &Range<usize>,
        days: &[(Range<usize>, Dated)],
        setting: &Setting<'_, 'g>,
        drafts: &mut Vec<Draft<'g>>,
    ) {
        let folded = &self.folded;
        let day_at = |pos: usize| {
            days.iter()
                .min_by_key(|(span, _)| {
                    let start = range.start + folded.origin(span.start);
                    let end = range.start + folded.origin(span.end);
                    start.saturating_sub(pos).max(pos.saturating_sub(end))
                })
                .map(|&(_, day)| day)
        };
        for draft in drafts.iter_mut() {
            if let Some(at) = draft.place.at.filter(|at| range.contains(at)) {
                draft.date = day_at(at);
            }
        }
        for m in setting.mentions {
            if m.place.kind == PlaceKind::Country
                || drafts.iter().any(|d| std::ptr::eq(d.place.place, m.place))
            {
                continue;
            }
            let day = day_at(m.start);
            if day.is_none() || drafts.iter().any(|d| d.date == day) {
                continue;
            }
            let told_before = drafts
                .iter()
                .filter(|d| {
                    d.place
                        .at
                        .is_some_and(|at| range.contains(&at) && at < m.start)
                })
                .max_by_key(|d| d.place.at)
                .unwrap_or(&drafts[0]);
            // Police acted where the sentence says, which is not this place: no cue is here.
            let kind = match told_before.kind {
                kinds::PROTEST_WITH_INTERVENTION => kinds::PEACEFUL_PROTEST,
                kind => kind,
            };
            drafts.push(Draft {
                place: places::Located::from_mention(m),
                kind,
                date: day,
                counts: BTreeMap::new(),
            });
        }
    }

    fn emit(&mut self, pending: Pending<'g>) {
        if pending.drafts.is_empty() {
            return;
        }
        let notes = &self.article.text[pending.range];
        let own_day = pending.drafts.iter().find_map(|d| d.date);
        let Some(sentence_date) = pending.date.or(own_day) else {
            self.warnings.push(format!(
                "no date for \"{notes}\": give a publication date; {} event(s) dropped",
                pending.drafts.len()
            ));
            return;
        };
        let ids = SentenceIds::new(self.article.source, notes);
        // Every event of the sentence has its actors: the last takes them, the others a copy.
        let mut actors = pending.actors;
        let last = pending.drafts.len() - 1;
        for (i, draft) in pending.drafts.into_iter().enumerate() {
            let actors = if i == last {
                std::mem::take(&mut actors)
            } else {
                actors.clone()
            };
            let date = draft.date.unwrap_or(sentence_date);
            let place = draft.place.place;
            let (event_type, sub) = draft.kind;
            let count = |kind| draft.counts.get(&kind).and_then(|&(value, _)| value);
            let qualifiers = draft
                .counts
                .iter()
                .filter_map(|(&kind, &(_, q))| q.map(|q| (kind, q)))
                .collect();
            self.events.push(Event {
                id: ids.event_id(date.date, &place.name, event_type, sub),
                event_date: date.date,
                time_precision: date.precision,
                event_type,
                sub_event_type: sub.to_string(),
                place: place.name.clone(),
                place_as_written: draft.place.as_written,
                geonameid: (place.geonameid != 0).then_some(place.geonameid),
                country_code: place.country_code.clone(),
                admin1: place.admin1.clone(),
                geo_precision: draft.place.precision,
                // Two decimals: the score is no finer than that.
                geo_confidence: Some((f64::from(draft.place.confidence) * 100.0).round() / 100.0),
                geo_reason: Some(draft.place.reason.as_str().to_owned()),
                lon: place.lon,
                lat: place.lat,
                fatalities: count(CountKind::Fatalities),
                injuries: count(CountKind::Injuries),
                arrests: count(CountKind::Arrests),
                count_qualifiers: qualifiers,
                actors,
                notes: notes.to_string(),
                source: self.article.source.to_string(),
                lang: self.lang.as_str().to_string(),
                date_corrected: date.corrected,
                article_id: None,
                corrected: false,
                sources: Vec::new(),
                fatalities_reported: Vec::new(),
            });
        }
    }

    fn finish(mut self) -> Extraction {
        self.close_headline();
        restated::drop_restated(&mut self.events);
        self.events
            .sort_by(|a, b| (a.event_date, &a.id).cmp(&(b.event_date, &b.id)));
        self.events.dedup_by(|a, b| a.id == b.id);
        Extraction {
            lang: self.lang,
            events: self.events,
            warnings: self.warnings,
        }
    }
}

impl Draft<'_> {
    /// Adds a count; two figures of one kind in a sentence and place add up, and their
    /// qualifiers with them: a figure and a vague amount ("killed dozens of rioters, while 12
    /// officers died") are at least the figure.
    fn add(&mut self, count: &Count) {
        use CountQualifier::{About, AtLeast, MoreThan};
        let slot = self.counts.entry(count.kind).or_insert((None, None));
        *slot = match (*slot, (count.value, count.qualifier)) {
            ((None, None), new) => new,
            ((Some(a), qa), (Some(b), qb)) => {
                let qualifier = match (qa, qb) {
                    (qa, qb) if qa == qb => qa,
                    (Some(AtLeast | MoreThan), _) | (_, Some(AtLeast | MoreThan)) => Some(AtLeast),
                    _ => Some(About),
                };
                (Some(a.saturating_add(b)), qualifier)
            }
            ((Some(n), _), (None, _)) | ((None, _), (Some(n), _)) => (Some(n), Some(AtLeast)),
            ((None, qa), (None, qb)) => (None, qa.or(qb)),
        };
    }
}

fn find_or_add<'g>(
    drafts: &mut Vec<Draft<'g>>,
    place: Located<'g>,
    kind: (EventType, &'static str),
) -> usize {
    match drafts
        .iter()
        .position(|d| d.kind == kind && d.place.same_place(&place))
    {
        Some(i) => i,
        None => {
            drafts.push(Draft {
                place,
                kind,
                date: None,
                counts: BTreeMap::new(),
            });
            drafts.len() - 1
        }
    }
}

/// The event a count belongs to: arrests to the arrests; deaths and injuries to a violent
/// event at the same place, else to a protest there (which they make one with excessive
/// force), else like the paragraph's last violence ("…killed a gunman in a shootout. Two
/// officers were wounded."), else to an event typed by who was hurt, else, when the text says
/// nothing of who, like the last violence since the header ("Protesters stormed the mayor's
/// office. [¶] At least 12 people were killed."). `armed`: the sentence names an armed group,
/// whose killing of police or soldiers is a battle and of anyone else an attack (ACLED).
fn draft_for_count<'g>(
    drafts: &mut Vec<Draft<'g>>,
    place: Located<'g>,
    count: &Count,
    context: &ParagraphContext,
    armed: bool,
) -> usize {
    use actors::Group;
    if count.kind == CountKind::Arrests {
        return find_or_add(drafts, place, kinds::ARRESTS);
    }
    let here = |d: &Draft| d.place.same_place(&place);
    if let Some(i) = drafts
        .iter()
        .position(|d| here(d) && kinds::is_violent(d.kind))
    {
        return i;
    }
    let protesters_or_unknown = matches!(count.victims, Some(Group::Protesters) | None);
    if protesters_or_unknown
        && let Some(i) = drafts
            .iter()
            .position(|d| here(d) && d.kind.0 == EventType::Protests)
    {
        drafts[i].kind = kinds::EXCESSIVE_FORCE;
        return i;
    }
    let kind = match (count.victims, context.violence) {
        (Some(Group::Protesters), _) => kinds::EXCESSIVE_FORCE,
        (_, Some(violence)) => violence,
        (Some(Group::Security | Group::Military), None) if armed => kinds::ARMED_CLASH,
        (Some(Group::Security | Group::Military | Group::Rioters), None) => {
            kinds::VIOLENT_DEMONSTRATION
        }
        (Some(Group::Civilians | Group::Folk), None) => kinds::ATTACK,
        (Some(Group::Partisans), None) => kinds::MOB_VIOLENCE,
        (Some(Group::Armed), None) => kinds::ARMED_CLASH,
        (None | Some(Group::People), None) if armed => kinds::ATTACK,
        (None | Some(Group::People), None) => context.earlier_violence.unwrap_or(kinds::ATTACK),
    };
    find_or_add(drafts, place, kind)
}

/// "The airports are closed", "Internet remains cut": a measure of the state that names no
/// place is the country's, not the story's scene.
fn national_measures<'g>(drafts: &mut [Draft<'g>], setting: &places::Setting<'_, 'g>) {
    for draft in drafts {
        if draft.kind == kinds::NATIONAL_MEASURE
            && let Some(country) = setting.country()
        {
            draft.place = country;
        }
    }
}

/// No clause break between folded offsets.
fn same_clause(folded: &str, from: usize, to: usize) -> bool {
    folded.get(from..to).is_some_and(sentences::one_clause)
}
