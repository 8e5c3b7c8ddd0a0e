//! The text's geography: which countries a text is about, and for every name in it the place
//! a reader would pick among the places of that name.
//!
//! [`Gazetteer::mentions`] finds names and ranks their namesakes alone; [`Gazetteer::geography`]
//! reads them together, with the ideas of CLAVIN and Mordecai:
//! 1. a name that only says where the one before it is ("Gazaria upazila (Munshiganj, Dhaka)",
//!    "Aktau, Mangystau region", "Nakuru, Kenya", "X, 60 km south of Y") is a *locator* of that
//!    name: it helps pick the place and is no place of its own;
//! 2. the text's countries come from every name, weighed by how telling it is: a country
//!    named outweighs a town, a big town its small namesakes, and a capitalised word that opens
//!    a sentence or is also an ordinary word counts little;
//! 3. each name's namesakes are scored by country agreement, admin-1 agreement with the regions
//!    that locate it or are named in the text, distance to the places named near it,
//!    population and how the name was written. A place outside the text's countries is kept
//!    only where its own country is named; else the name is dropped, never sent abroad.

use super::quick_hash::QuickMap;
use std::cmp::Ordering;

use super::context::UNIT_WORDS;
use super::normalize::plain_lower_into;
use super::{Gazetteer, Mention, Place, PlaceKind, PlaceReason, matcher};

/// The resolved places of a text and the countries it is about.
pub struct Geography<'g> {
    /// The mentions that name where something is, each at its chosen place, in text order
    /// (locators and names dropped as foreign left out).
    pub mentions: Vec<Mention<'g>>,
    /// The text's countries (ISO alpha-2), most supported first.
    pub countries: Vec<String>,
}

impl Geography<'_> {
    /// The country the text is most about.
    pub fn home(&self) -> Option<&str> {
        self.countries.first().map(String::as_str)
    }
}

/// How far around a name the places that inform its choice are looked for, in mentions.
const NEIGHBOURHOOD: usize = 12;

/// Words after a comma that say the next name only situates the one before ("X, 60 km
/// south of Y", "X, a suburb of Y", "X, près de Y").
const RELATION_WORDS: &[&str] = &[
    "km",
    "kilometres",
    "kilometers",
    "miles",
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "north-east",
    "north-west",
    "south-east",
    "south-west",
    "near",
    "outside",
    "suburb",
    "district",
    "neighbourhood",
    "neighborhood",
    "quarter",
    "outskirts",
    "town",
    "village",
    "city",
    "banlieue",
    "quartier",
    "faubourg",
    "nord",
    "sud",
    "est",
    "ouest",
    "près",
    "pres",
    "environs",
    "ville",
    "localité",
    "commune",
];

/// The countries a name's place may be in: the text's, ranked, those it names, and each one's
/// support.
struct Known<'k> {
    countries: &'k [String],
    named: &'k [&'k str],
    evidence: &'k QuickMap<&'k str, f64>,
    /// The countries of the towns and regions the first pass picked: a country that only its
    /// own name supports is what the text is about, not where it happened.
    placed: &'k [&'k str],
}

/// What the whole text tells every name's choice.
struct Reading<'r> {
    /// Each country's support.
    evidence: &'r QuickMap<&'r str, f64>,
    /// The best-supported country's support.
    top: f64,
    /// For each name, the names that locate it.
    locators_of: &'r [Vec<usize>],
}

/// What the geography keeps of each namesake of a name (one vector a name).
#[derive(Clone, Copy)]
struct Namesake {
    /// Its own score (size, kind, spelling) as built, then the first pass's (the text's
    /// countries and regions added), which the second pass adds to.
    score: f64,
    /// Its bonus for how the name is written and for the unit named after it (part of
    /// `score`).
    spelling: f64,
}

/// The one namesake scoring needs to know of a candidate.
struct Scored {
    place: usize,
    score: f64,
}

/// Best first: the higher score, then the lower index.
fn ranking(a: &Scored, b: &Scored) -> Ordering {
    b.score.total_cmp(&a.score).then(a.place.cmp(&b.place))
}

/// A name's namesakes: the matcher's list in the image, or the one place a description ("the
/// capital") names.
#[derive(Clone, Copy)]
enum Namesakes<'g> {
    Listed(matcher::Namesakes<'g>),
    Described(Option<usize>),
}

impl<'g> Namesakes<'g> {
    fn len(self) -> usize {
        match self {
            Namesakes::Listed(list) => list.len(),
            Namesakes::Described(place) => usize::from(place.is_some()),
        }
    }

    /// The places' indexes.
    fn iter(self) -> impl Iterator<Item = usize> + 'g {
        let (listed, described) = match self {
            Namesakes::Listed(list) => (Some(list), None),
            Namesakes::Described(place) => (None, place),
        };
        listed
            .into_iter()
            .flat_map(matcher::Namesakes::iter)
            .chain(described)
    }
}

/// The places around a name that its choice weighs, gathered once for all its namesakes (in
/// buffers reused from name to name).
#[derive(Default)]
struct Around<'g> {
    /// In the first pass, the regions named near it.
    regions: Vec<&'g Place>,
    /// In the second pass, the places the first put near it, its locators and its own other
    /// mentions aside.
    places: Vec<&'g Place>,
}

/// The place chosen for name `name` (an index), and why.
struct Resolved<'g> {
    name: usize,
    place: &'g Place,
    reason: PlaceReason,
    confidence: f32,
    /// The name's weight, which its place's country gets.
    weight: f64,
}

/// A name in the text with what the geography knows of it.
struct Name<'g> {
    mention: Mention<'g>,
    candidates: Namesakes<'g>,
    /// The name only situates another one (by index).
    locates: Option<usize>,
    /// How much the name tells of the text's countries.
    weight: f64,
    /// Each candidate's scores, in the order of `candidates`.
    namesakes: Vec<Namesake>,
    /// The name is also an ordinary word of the languages read.
    word: bool,
}

impl Gazetteer {
    /// Reads a text's mentions together (see the module docs): the places a reader would pick,
    /// the text's countries, locators folded into what they locate.
    pub fn geography<'g>(&'g self, text: &str, mentions: Vec<Mention<'g>>) -> Geography<'g> {
        // "Noakhali Sadar", "Isiolo County": a unit word after a name is no place of its own.
        let mut previous_end = 0;
        let mut written = String::new();
        // Sized at once: a name is large, and growing the vector copied them again and again.
        let mut names: Vec<Name<'g>> = Vec::with_capacity(mentions.len());
        names.extend(
            mentions
                .into_iter()
                .filter(|m| {
                    let landform =
                        super::context::is_landform_after(text, m.start, m.end, previous_end);
                    previous_end = m.end;
                    !landform && !super::context::is_unit_word(&m.as_written)
                })
                .map(|mention| {
                    let candidates = match mention.pattern {
                        Some(pattern) => Namesakes::Listed(self.matcher().namesakes(pattern)),
                        None => Namesakes::Described(self.index_of(mention.place)),
                    };
                    let mut namesakes = self.spelling_bonuses(&mention, candidates, &mut written);
                    self.add_unit_bonuses(text, &mention, candidates, &mut namesakes);
                    self.own_scores(&mention, candidates, &mut namesakes);
                    let word = mention.ordinary_word || mention.dictionary_word;
                    Name {
                        mention,
                        candidates,
                        locates: None,
                        weight: 1.0,
                        namesakes,
                        word,
                    }
                }),
        );
        find_locators(text, &mut names);
        for name in &mut names {
            name.weight = self.weight(name)
                * if name.locates.is_some() { 1.5 } else { 1.0 }
                * role_weight(text, name.mention.start);
        }
        let evidence = self.country_evidence(&names);
        let countries = ranked_countries(&evidence);
        let mut locators_of: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
        for (j, name) in names.iter().enumerate() {
            if let Some(head) = name.locates {
                locators_of[head].push(j);
            }
        }
        let reading = Reading {
            evidence: &evidence,
            top: evidence.values().copied().fold(0.0, f64::max),
            locators_of: &locators_of,
        };
        let named_countries: Vec<&str> = names
            .iter()
            .filter(|n| n.mention.place.kind == PlaceKind::Country)
            .map(|n| n.mention.place.country_code.as_str())
            .collect();
        // Two passes: the first by country and size alone, the second with the places the first
        // put nearby. The first's scores are kept (in `score`) and the second adds to them.
        let mut around = Around::default();
        let mut first: Vec<Option<usize>> = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            around.gather(&names, i, &reading, None, &self.places);
            self.first_scores(&mut names[i], &reading, &around);
            let name = &names[i];
            let best = name
                .candidates
                .iter()
                .zip(&name.namesakes)
                .map(|(place, n)| Scored {
                    place,
                    score: n.score,
                });
            first.push(best.min_by(ranking).map(|s| s.place));
        }
        let placed: Vec<&str> = first
            .iter()
            .flatten()
            .map(|&p| &self.places[p])
            .filter(|p| p.kind != PlaceKind::Country)
            .map(|p| p.country_code.as_str())
            .collect();
        let mut resolved = Vec::with_capacity(names.len());
        let mut ranked = Vec::new();
        for i in 0..names.len() {
            around.gather(&names, i, &reading, Some(&first), &self.places);
            ranked.clear();
            ranked.extend(self.scores(&names, i, &reading, &first, &around));
            ranked.sort_by(ranking);
            let Some(best) = ranked.first() else { continue };
            let place = &self.places[best.place];
            if names[i].locates.is_none()
                && let Some(stand_in) = self.stand_in(&locators_of[i], place, &first)
            {
                resolved.push(Resolved {
                    name: i,
                    place: stand_in,
                    reason: PlaceReason::Near,
                    confidence: super::reason_trust(PlaceReason::Near),
                    weight: names[i].weight,
                });
                continue;
            }
            let known = Known {
                countries: &countries,
                named: &named_countries,
                evidence: &evidence,
                placed: &placed,
            };
            if names[i].locates.is_some() {
                continue;
            }
            if self.no_place_here(text, &names[i], best.place, &known) {
                continue;
            }
            let mention = &names[i].mention;
            let by_size = self.best(names[i].candidates.iter(), None, false);
            let reason = if relates_before(text, mention.start) {
                PlaceReason::Near
            } else if by_size != Some(best.place) && names[i].candidates.len() > 1 {
                PlaceReason::Context
            } else {
                mention.reason
            };
            resolved.push(Resolved {
                name: i,
                place,
                reason,
                confidence: confidence(self, reason, mention.telling, &ranked, &countries, place),
                weight: names[i].weight,
            });
        }
        fold_quarters(text, &names, &mut resolved);
        let countries = resolved_countries(&resolved);
        // Each name's mention moved to its place (no copy of its written form); `resolved` is
        // in the names' order, one at most a name.
        let mut resolved = resolved.into_iter().peekable();
        let mentions = names
            .into_iter()
            .enumerate()
            .filter_map(|(i, name)| {
                let r = resolved.next_if(|r| r.name == i)?;
                let mut mention = name.mention;
                mention.place = r.place;
                mention.reason = r.reason;
                mention.confidence = r.confidence;
                Some(mention)
            })
            .collect();
        Geography {
            countries,
            mentions,
        }
    }

    /// Whether name `name`, at its best namesake `best`, names no place of this text: a place
    /// abroad without evidence, a mere word or an institution's name with no support, a
    /// capital standing for its government.
    fn no_place_here(&self, text: &str, name: &Name, best: usize, known: &Known) -> bool {
        let place = &self.places[best];
        // Abroad needs evidence: its country named, or a well-known place no namesake of
        // which is in the text's countries ("the capital, Almaty" in a text on Kyrgyzstan).
        let outside = |p: &Place| {
            p.kind != PlaceKind::Country
                && !known.countries.contains(&p.country_code)
                && !known.named.contains(&p.country_code.as_str())
        };
        // In another of the text's countries, or abroad, only a well-known place: a capital
        // or a city of a million is itself evidence; a big town spelled as its own name
        // needs no namesake of it at home.
        // A translated alternate name ("White House" is one of Casablanca's) is no name of a
        // famous city abroad: only one word, or its own spelling, is.
        // "Men" is one of Maine's other names, and a word: only its own name makes a word famous.
        let famous = (place.population >= 1_000_000
            || self.capitals.get(&place.country_code) == Some(&place.geonameid))
            && (name.mention.reason == PlaceReason::Exact
                || (!name.word && !name.mention.as_written.contains(' ')));
        let well_known = famous
            || (self.is_prominent(best)
                && name.mention.reason == PlaceReason::Exact
                && name.candidates.iter().all(|c| outside(&self.places[c])));
        // "A rally in Teknaf, demanding justice for the genocide in Myanmar": when no town or
        // region supports the leading country, a town written as itself after "in" or "at",
        // whose namesakes are all in one country, is where the text happened.
        let topic_only = known
            .countries
            .first()
            .is_some_and(|c| !known.placed.contains(&c.as_str()));
        let placed_here = topic_only
            && name.mention.reason == PlaceReason::Exact
            && !name.word
            && role_weight(text, name.mention.start) > 1.0
            && name
                .candidates
                .iter()
                .all(|c| self.places[c].country_code == place.country_code);
        let second_country = known.countries.first() != Some(&place.country_code)
            && !known.named.contains(&place.country_code.as_str());
        let foreign = (outside(place) || second_country) && !well_known && !placed_here;
        let home = known.countries.first().map(String::as_str);
        let abroad = home != Some(place.country_code.as_str());
        // An ordinary word is a place only where the rest of the text is: its own name alone
        // makes no country. An institution is often named after the town it stands in.
        let unsupported_word = (name.mention.institution && abroad)
            || (name.mention.ordinary_word
                && (abroad
                    || (!famous
                        && self.support_elsewhere(name, known.evidence, &place.country_code)
                            < 0.01)))
            // A word that is only another name of a country ("Grenade" for Grenada, "Island"
            // for Iceland) needs support however big the country.
            || (name.word
                && (place.population < 100_000
                    || (place.kind == PlaceKind::Country
                        && name.mention.reason != PlaceReason::Exact))
                && self.support_elsewhere(name, known.evidence, &place.country_code) < 0.01);
        // "Moscow sent troops": the capital is the government that acts, not a place.
        let government = self.capitals.get(&place.country_code) == Some(&place.geonameid)
            && !after_preposition(text, name.mention.start)
            && super::context::followed_by_government_verb(text, name.mention.end);
        // "Saku constituency" is no town of Japan, which has no constituencies.
        let units = super::context::unit_countries(text, name.mention.end);
        let wrong_unit = !units.is_empty() && !units.contains(&place.country_code.as_str());
        foreign || unsupported_word || government || wrong_unit
    }

    /// The place that stands in for name `i` when its namesakes all lie far from what locates
    /// it ("Kaliganj upazila (Lalmonirhat, Rangpur)" with only another Kaliganj known): the
    /// first locator, never a homonym elsewhere.
    fn stand_in(
        &self,
        locators: &[usize],
        place: &Place,
        first: &[Option<usize>],
    ) -> Option<&Place> {
        const FAR_KM: f64 = 150.0;
        let locators: Vec<&Place> = locators
            .iter()
            .filter_map(|&j| first[j])
            .map(|j| &self.places[j])
            .filter(|p| p.kind != PlaceKind::Country)
            .collect();
        // A locator read as a city still names its region: "(Brahmanbaria, Chittagong)" is in
        // Chittagong division though 200 km from Chittagong city. Across a border nothing
        // agrees: "Krishnapur village, Jhenaidah" is in Bangladesh, not India's Krishnapur.
        let agrees = |l: &&Place| {
            place.country_code == l.country_code
                && (distance_km(place, l) < FAR_KM || same_admin1(place, l))
        };
        match locators.first() {
            Some(&stand_in) if !locators.iter().any(agrees) => Some(stand_in),
            _ => None,
        }
    }

    /// The support a country gets from the names other than this one.
    fn support_elsewhere(&self, name: &Name, evidence: &QuickMap<&str, f64>, country: &str) -> f64 {
        let mut shares = Vec::new();
        self.shares(name, &mut shares);
        let own = shares
            .into_iter()
            .find(|(cc, _)| *cc == country)
            .map_or(0.0, |(_, share)| share * name.weight);
        evidence.get(country).map_or(0.0, |e| e - own)
    }

    /// How much a name tells of the text's countries.
    fn weight(&self, name: &Name) -> f64 {
        let (mention, candidates) = (&name.mention, &name.candidates);
        if candidates
            .iter()
            .any(|c| self.places[c].kind == PlaceKind::Country)
        {
            return 3.0;
        }
        // A big town tells more than a village, its own name more than an alternate one.
        let population = candidates
            .iter()
            .map(|c| self.places[c].population)
            .max()
            .unwrap_or(0);
        let mut weight = 1.0 + (population as f64 + 1.0).log10() / 10.0;
        if mention.reason != PlaceReason::Exact {
            weight *= 0.8;
        }
        if !mention.telling {
            weight *= 0.3;
        }
        if name.word || mention.institution {
            weight *= 0.25;
        }
        weight
    }

    /// Each country's support: every name gives its weight, shared among its namesakes'
    /// countries by their size (a country named is all its own).
    fn country_evidence(&self, names: &[Name]) -> QuickMap<&str, f64> {
        // Keyed by the places' own codes: no copy of a code for every name.
        let mut evidence: QuickMap<&str, f64> = QuickMap::default();
        let mut shares = Vec::new();
        for name in names {
            self.shares(name, &mut shares);
            for &(country, share) in &shares {
                *evidence.entry(country).or_default() += name.weight * share;
            }
        }
        evidence
    }

    /// The countries of a name's namesakes and the share of the name each gets.
    /// A namesake spelled as written counts for more than one that merely folds alike, by the
    /// size its spelling bonus is worth in the own score. Written into `best`, a buffer
    /// reused from name to name.
    fn shares<'p>(&'p self, name: &Name, best: &mut Vec<(&'p str, f64)>) {
        best.clear();
        for (c, namesake) in name.candidates.iter().zip(&name.namesakes) {
            let place = &self.places[c];
            let prior = prior(place) * (namesake.spelling / POPULATION_WEIGHT).exp();
            match best.iter_mut().find(|(cc, _)| *cc == place.country_code) {
                Some((_, p)) => *p = p.max(prior),
                None => best.push((&place.country_code, prior)),
            }
        }
        let total: f64 = best.iter().map(|(_, p)| p).sum();
        if total > 0.0 {
            for (_, p) in best.iter_mut() {
                *p /= total;
            }
        }
    }

    /// The first pass: adds to each candidate's own score its agreement with the text's
    /// countries and with the regions named around it (`around`, gathered for that name).
    fn first_scores(&self, name: &mut Name, reading: &Reading, around: &Around) {
        for (c, namesake) in name.candidates.iter().zip(&mut name.namesakes) {
            let score = &mut namesake.score;
            let place = &self.places[c];
            // Agreement with the text's countries, as strong as their support.
            if reading.top > 0.0 {
                *score += 4.0
                    * reading
                        .evidence
                        .get(place.country_code.as_str())
                        .map_or(0.0, |e| e / reading.top);
            }
            // A region named nearby that holds the place.
            let region_nearby = around.regions.iter().any(|r| same_admin1(place, r));
            if place.kind != PlaceKind::Region && region_nearby {
                *score += 2.5;
            }
        }
    }

    /// The second pass: the candidates of name `i`, their first-pass scores raised by what
    /// locates the name and by the places the first pass put around it (`around`, gathered
    /// for that name with the other names' first choices `first`).
    fn scores<'s>(
        &'s self,
        names: &'s [Name],
        i: usize,
        reading: &'s Reading,
        first: &'s [Option<usize>],
        around: &'s Around,
    ) -> impl Iterator<Item = Scored> + 's {
        let name = &names[i];
        let locators = &reading.locators_of[i];
        name.candidates
            .iter()
            .zip(&name.namesakes)
            .map(move |(c, n)| {
                let place = &self.places[c];
                let mut score = n.score;
                for &j in locators {
                    let Some(other) = first[j] else { continue };
                    let other = &self.places[other];
                    if same_admin1(place, other) || distance_km(place, other) < 60.0 {
                        score += 4.0;
                    }
                }
                score += nearby_bonus(place, &around.places);
                Scored { place: c, score }
            })
    }

    /// What each namesake scores on its own: its size, what kind of place it is, whether the
    /// text asks for a region, how the name was written (its spelling bonus, already set).
    fn own_scores(&self, mention: &Mention, candidates: Namesakes, namesakes: &mut [Namesake]) {
        for (candidate, namesake) in candidates.iter().zip(namesakes) {
            let place = &self.places[candidate];
            let mut score = POPULATION_WEIGHT * (place.population as f64 + 10.0).ln();
            if self.capitals.get(&place.country_code) == Some(&place.geonameid) {
                score += 1.0;
            }
            score += match place.kind {
                PlaceKind::Country => 8.0,
                PlaceKind::Region if mention.wants_region => 6.0,
                PlaceKind::Region => 0.3,
                PlaceKind::City if place.population >= super::MAJOR_CITY_POPULATION => 1.0,
                PlaceKind::City => 0.0,
            };
            namesake.score = score + namesake.spelling;
        }
    }

    /// How each namesake is spelled by what is written: as its own name, else (for a few
    /// namesakes: comparing every alternate name of many would cost more than it tells) as
    /// one of its others. Only folding alike ("Kisii" and Jixi's "Kisi") is weak evidence: a
    /// town spelled as written beats a city forty times its size that merely folds alike. A
    /// region's own name is often its city's other name ("Chittagong" for Chattogram): for a
    /// region it tells no more than an alternate name.
    /// `written` is a buffer for the written form, reused from name to name. The scores are
    /// left for [`Gazetteer::own_scores`].
    fn spelling_bonuses(
        &self,
        mention: &Mention,
        candidates: Namesakes,
        written: &mut String,
    ) -> Vec<Namesake> {
        plain_lower_into(&mention.as_written, written);
        let written = written.as_str();
        // Folding a name costs an allocation: only a few namesakes' non-ASCII names are folded.
        let fold_names = candidates.len() <= 8;
        let same = |name: &str| {
            if name.is_ascii() {
                name.eq_ignore_ascii_case(written)
            } else {
                fold_names && super::normalize::plain_lower_is(name, written)
            }
        };
        candidates
            .iter()
            .map(|candidate| {
                let place = &self.places[candidate];
                let spelling = if same(&place.name) {
                    if place.kind == PlaceKind::Region {
                        0.8
                    } else {
                        1.5
                    }
                } else if fold_names && self.spells(candidate, written) {
                    0.8
                } else {
                    0.0
                };
                Namesake {
                    score: 0.0,
                    spelling,
                }
            })
            .collect()
    }

    /// "Kwale County", "Gazaria upazila": a unit word that only some countries use after a
    /// name makes its namesakes in those countries likelier, by as much as its own spelling.
    fn add_unit_bonuses(
        &self,
        text: &str,
        mention: &Mention,
        candidates: Namesakes,
        namesakes: &mut [Namesake],
    ) {
        let countries = super::context::unit_countries(text, mention.end);
        if countries.is_empty() {
            return;
        }
        for (candidate, namesake) in candidates.iter().zip(namesakes) {
            if countries.contains(&self.places[candidate].country_code.as_str()) {
                namesake.spelling += UNIT_BONUS;
            }
        }
    }

    fn index_of(&self, place: &Place) -> Option<usize> {
        let start = self.places.as_ptr() as usize;
        let at = place as *const Place as usize;
        let index = at.checked_sub(start)? / std::mem::size_of::<Place>();
        (index < self.places.len()).then_some(index)
    }
}

impl<'g> Around<'g> {
    /// Gathers what is around name `i` (within [`NEIGHBOURHOOD`] names): for the first pass
    /// (no `nearby`) the regions, for the second the other names' first choices, but for its
    /// locators and its own repetitions (the places it would find itself near) and countries
    /// (no distance tells of them).
    fn gather(
        &mut self,
        names: &[Name<'g>],
        i: usize,
        reading: &Reading,
        nearby: Option<&[Option<usize>]>,
        places: &'g [Place],
    ) {
        let locators = &reading.locators_of[i];
        let from = i.saturating_sub(NEIGHBOURHOOD);
        let to = (i + NEIGHBOURHOOD + 1).min(names.len());
        let others = (from..to).filter(|&j| j != i);
        self.regions.clear();
        self.places.clear();
        let Some(first) = nearby else {
            self.regions.extend(
                others
                    .map(|j| names[j].mention.place)
                    .filter(|p| p.kind == PlaceKind::Region),
            );
            return;
        };
        let written = &names[i].mention.as_written;
        self.places.extend(
            others
                .filter(|j| !locators.contains(j))
                .filter(|&j| names[j].mention.as_written != *written)
                .filter_map(|j| first[j])
                .map(|j| &places[j])
                .filter(|p| p.kind != PlaceKind::Country),
        );
    }
}

/// A place's weight among its namesakes when only its size and kind are known: a country
/// named is the country, a region is as big as its towns together.
fn prior(place: &Place) -> f64 {
    match place.kind {
        PlaceKind::Country => 1e12,
        PlaceKind::Region => place.population.max(100_000) as f64,
        PlaceKind::City => place.population as f64 + 1_000.0,
    }
}

/// What a factor of e in population adds to a namesake's own score.
const POPULATION_WEIGHT: f64 = 0.4;
/// What a country's own unit word after a name is worth: as much as the name's own spelling.
const UNIT_BONUS: f64 = 1.5;

/// The text's countries: those with at least 60 % of the best one's support, most first.
fn ranked_countries(evidence: &QuickMap<&str, f64>) -> Vec<String> {
    let mut ranked: Vec<(&str, f64)> = evidence.iter().map(|(&c, &e)| (c, e)).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let Some(&(_, top)) = ranked.first() else {
        return Vec::new();
    };
    ranked
        .into_iter()
        .filter(|&(_, e)| e >= 0.6 * top)
        .map(|(c, _)| c.to_owned())
        .collect()
}

/// The countries of the places kept, by the weight of the names that put them there: a name
/// dropped as foreign or as a mere word leaves no country behind.
fn resolved_countries(resolved: &[Resolved]) -> Vec<String> {
    let mut evidence: QuickMap<&str, f64> = QuickMap::default();
    for r in resolved {
        *evidence.entry(r.place.country_code.as_str()).or_default() += r.weight;
    }
    ranked_countries(&evidence)
}

/// How sure the pick is: the trust of how the name was matched (`reason`), lowered when
/// namesakes scored close, when the place is not in the text's main country and when the
/// capital letter tells nothing (not `telling`).
fn confidence(
    gazetteer: &Gazetteer,
    reason: PlaceReason,
    telling: bool,
    ranked: &[Scored],
    countries: &[String],
    place: &Place,
) -> f32 {
    let base = f64::from(super::reason_trust(reason));
    // Only a namesake elsewhere makes the place uncertain, not the region of the same name
    // around the city.
    let rival = ranked
        .iter()
        .skip(1)
        .map(|r| (r, &gazetteer.places[r.place]))
        .find(|(_, other)| {
            place.kind != PlaceKind::Country
                && distance_km(other, place) > 50.0
                && !((other.kind == PlaceKind::Region || place.kind == PlaceKind::Region)
                    && same_admin1(other, place))
        })
        .map(|(r, _)| r);
    let margin = match (ranked.first(), rival) {
        (Some(best), Some(second)) => 1.0 / (1.0 + (-(best.score - second.score)).exp()),
        _ => 1.0,
    };
    let country = match countries.iter().position(|c| *c == place.country_code) {
        Some(0) => 1.0,
        Some(_) => 0.85,
        None => 0.7,
    };
    let telling = if telling { 1.0 } else { 0.85 };
    ((base * margin.max(0.5) * country * telling) as f32 * 100.0).round() / 100.0
}

fn same_admin1(a: &Place, b: &Place) -> bool {
    a.country_code == b.country_code && a.admin1.is_some() && a.admin1 == b.admin1
}

/// A quick distance between two places, km: equirectangular, within a few per cent of the
/// great circle at the distances that score (tens to hundreds of km), and never less than
/// half of it.
fn rough_km(a: &Place, b: &Place) -> f64 {
    const KM_PER_DEGREE: f64 = 111.195;
    let mid = ((a.lat + b.lat) / 2.0).to_radians();
    // cos of the mean latitude by its series, good to 1 % below 60°.
    let cos = 1.0 - mid * mid / 2.0 + mid.powi(4) / 24.0;
    let dlon = (b.lon - a.lon).abs().min(360.0 - (b.lon - a.lon).abs());
    KM_PER_DEGREE * (b.lat - a.lat).hypot(dlon * cos.max(0.2))
}

/// What the closest of `places` adds to a namesake's score: 2 within 30 km ([`rough_km`]),
/// 1.5 within 100, 0.75 within 300, -0.5 beyond 1500, else (or with none) nothing.
fn nearby_bonus(place: &Place, places: &[&Place]) -> f64 {
    const BONUS: [f64; 6] = [2.0, 1.5, 0.75, 0.0, -0.5, 0.0];
    const KM_PER_DEGREE: f64 = 111.195;
    // The band of a distance, closest first; the closest place's band is the best band. The
    // last band is a NaN's, which `total_cmp` ranked above every distance.
    let band = |d: f64| match d {
        d if d < 30.0 => 0,
        d if d < 100.0 => 1,
        d if d < 300.0 => 2,
        d if d <= 1500.0 => 3,
        d if d > 1500.0 => 4,
        _ => 5,
    };
    // With no place around, the band that adds nothing.
    let mut best = 5;
    for other in places {
        // The distance is never less than the latitudes' difference (this, a hair under it so
        // that rounding skips nothing): a place that cannot reach a better band is skipped.
        let at_least = KM_PER_DEGREE * (other.lat - place.lat).abs() * (1.0 - 1e-9);
        if band(at_least) >= best {
            continue;
        }
        best = best.min(band(rough_km(place, other)));
        // Nothing is closer than the first band.
        if best == 0 {
            break;
        }
    }
    BONUS[best]
}

/// Great-circle distance between two places, km.
fn distance_km(a: &Place, b: &Place) -> f64 {
    super::haversine_km(a.lat, a.lon, b.lat, b.lon)
}

/// Marks the names that only situate the name before them.
fn find_locators(text: &str, names: &mut [Name]) {
    // The name a bracket opened after, while the bracket is open: "(Munshiganj, Dhaka)".
    let mut bracket: Option<usize> = None;
    if let Some(first) = names.first()
        && text[..first.mention.start].trim_end().ends_with('(')
    {
        bracket = Some(0);
    }
    for j in 1..names.len() {
        let (prev, this) = (&names[j - 1].mention, &names[j].mention);
        let gap = text.get(prev.end..this.start).unwrap_or("");
        // Most names stand apart: no comma nor bracket between them, nothing to read. Searched
        // as bytes (both are ASCII, never part of another char): the gaps add up to the text.
        if bracket.is_none() && !gap.bytes().any(|b| matches!(b, b',' | b'(')) {
            continue;
        }
        let head = names[j - 1].locates.unwrap_or(j - 1);
        if let Some(h) = bracket {
            if !gap.contains([')', '.', ';']) && is_list_gap_in_bracket(gap) {
                names[j].locates = Some(h);
                continue;
            }
            bracket = None;
        }
        if opens_bracket(gap) {
            names[j].locates = Some(head);
            bracket = Some(head);
        } else if gap.trim_end().ends_with('(') {
            // "Sonaimuri upazila (Noakhali, Chittagong)" with Sonaimuri unknown: the bracket's
            // first name stands for the place, the names after it situate that one.
            bracket = Some(j);
        } else if situates(gap, text, this) {
            names[j].locates = Some(head);
        }
    }
}

/// How far a quarter may lie from the city it is written after and still be of it.
const QUARTER_KM: f64 = 50.0;

/// "Dhaka - Mohammadpur": a city, a dash and one of its quarters are one place, the quarter's
/// when a namesake of it lies in the city, else the city's (the quarter's namesake resolved is
/// another town of that name, 200 km off). `resolved` is in the names' order.
fn fold_quarters(text: &str, names: &[Name], resolved: &mut Vec<Resolved>) {
    let mut k = 0;
    while k + 1 < resolved.len() {
        let (city, quarter) = (&resolved[k], &resolved[k + 1]);
        let (c, q) = (&names[city.name].mention, &names[quarter.name].mention);
        let dashed = quarter.name == city.name + 1
            && city.place.kind == PlaceKind::City
            && matches!(text.get(c.end..q.start), Some(" - " | " – "));
        if !dashed {
            k += 1;
            continue;
        }
        if distance_km(city.place, quarter.place) > QUARTER_KM {
            let place = city.place;
            let quarter = &mut resolved[k + 1];
            quarter.place = place;
            quarter.reason = PlaceReason::Near;
            quarter.confidence = super::reason_trust(PlaceReason::Near);
        }
        resolved.remove(k);
    }
}

/// "upazila (", " (", "city (coded as ": a bracket opens after the name, maybe after a unit
/// word, and holds only lower-case words before the next name.
fn opens_bracket(gap: &str) -> bool {
    let Some((before, inside)) = gap.split_once('(') else {
        return false;
    };
    // "upazila (", "village, Chatkhil upazila (": unit words, or an unknown name with its unit
    // word (the bracket then locates that name, and through it the name before).
    let words: Vec<&str> = before
        .split_whitespace()
        .map(|w| w.trim_end_matches(','))
        .collect();
    let before_ok = words.iter().enumerate().all(|(k, w)| {
        listed(UNIT_WORDS, w)
            || (w.chars().next().is_some_and(char::is_uppercase)
                && words
                    .get(k + 1)
                    .is_some_and(|next| listed(UNIT_WORDS, next)))
    });
    // "(coded as ", "(Bagmara upazila, ": lower-case words, or an unknown name with its unit
    // word before the comma that goes on to the next name.
    let inside_words: Vec<&str> = inside
        .split_whitespace()
        .map(|w| w.trim_end_matches(','))
        .collect();
    let inside_ok = inside_words.iter().enumerate().all(|(k, w)| {
        w.chars().next().is_some_and(char::is_lowercase)
            || (w.chars().next().is_some_and(char::is_uppercase)
                && inside_words
                    .get(k + 1)
                    .is_some_and(|next| listed(UNIT_WORDS, next)))
    });
    before_ok && !inside.contains(')') && inside_words.len() <= 3 && inside_ok
}

/// Inside an open bracket: ", " or " and " between its names, perhaps after a unit word.
fn is_list_gap_in_bracket(gap: &str) -> bool {
    gap.contains(',')
        && gap
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .all(|w| listed(UNIT_WORDS, w) || w == "and" || w == "et")
}

/// ", Kenya", ", Mangystau region", ", in the Irkutsk region", ", 60 km south of": after a
/// comma, a name followed by a unit word or a country, or a relation to the name before.
fn situates(gap: &str, text: &str, this: &Mention) -> bool {
    // Eight words at most, after a unit word or two: a longer gap is a clause of its own.
    if gap.len() > 120 {
        return false;
    }
    // "Kalacha village, 60 km south of": unit words may stand before the comma.
    let Some((before_comma, after_comma)) = gap.split_once(',') else {
        return false;
    };
    if !before_comma
        .split_whitespace()
        .all(|w| listed(UNIT_WORDS, w))
    {
        return false;
    }
    // Compared in lower case by `listed`, without a lower-case copy of each; the eight words
    // at most kept in place (a vector for each comma cost an allocation).
    let mut kept = [""; 8];
    let mut count = 0;
    for word in after_comma
        .split(|c: char| c.is_whitespace() || c == '\'' || c == '’')
        .filter(|w| !w.is_empty())
    {
        let Some(slot) = kept.get_mut(count) else {
            return false;
        };
        *slot = word;
        count += 1;
    }
    let words = &kept[..count];
    // "…, and in the western town of Zhanaozen" goes on with a list.
    if words.iter().any(|w| listed(&["and", "et", "or", "ou"], w)) {
        return false;
    }
    if words.iter().any(|w| listed(RELATION_WORDS, w)) {
        // "Baïmak, à quelque 1 400 km de Moscou": a place that far from the other is told by
        // the distance, not located by it (nor replaced by it when the two disagree).
        if stated_km(words).is_some_and(|km| km > LOCATOR_KM) {
            return false;
        }
        return words
            .last()
            .is_some_and(|w| listed(&["of", "de", "d", "du", "near", "in"], w));
    }
    let glue = |w: &&str| listed(&["in", "the", "dans", "la", "le", "en", "l"], w);
    // ", dans le comté de Kajiado", ", in the district of Kushtia".
    if let [rest @ .., unit, of] = words
        && listed(&["of", "de", "d", "du"], of)
        && listed(UNIT_WORDS, unit)
        && rest.iter().all(glue)
    {
        return true;
    }
    if !words.iter().all(glue) {
        return false;
    }
    let next_word = text[this.end..]
        .split(|c: char| c.is_whitespace() || c == ',' || c == ')' || c == '.')
        .find(|w| !w.is_empty())
        .unwrap_or("");
    this.place.kind == PlaceKind::Country || listed(UNIT_WORDS, next_word)
}

/// How far a distance may be and still locate one place by another.
const LOCATOR_KM: f64 = 150.0;

/// The distance a gap states in kilometres ("60 km south of", "à 1 400 km de", "20 miles
/// from"): the figure's digits (thousands may be split by a space or a comma) before the unit.
fn stated_km(words: &[&str]) -> Option<f64> {
    let unit = words
        .iter()
        .position(|w| listed(&["km", "kilometres", "kilometers", "miles"], w))?;
    let factor = if listed(&["miles"], words[unit]) {
        1.609
    } else {
        1.0
    };
    let digits: String = words[..unit]
        .iter()
        .rev()
        .take_while(|w| w.bytes().all(|b| b.is_ascii_digit() || b == b','))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .flat_map(|w| w.chars().filter(char::is_ascii_digit))
        .collect();
    digits.parse::<f64>().ok().map(|n| n * factor)
}

/// How much the preposition before a name says the text is there: "staged a protest in
/// Sylhet" places the text, "condemning the aggression on Gaza, in solidarity with Palestine"
/// names what it is about.
fn role_weight(text: &str, start: usize) -> f64 {
    let word = word_before(text, start);
    let is = |list: &[&str]| list.iter().any(|w| w.eq_ignore_ascii_case(word));
    if is(&["in", "at", "near", "dans", "à", "a", "au"]) || locates_units_before(text, start) {
        2.0
    } else if is(&[
        "on", "against", "with", "over", "for", "toward", "towards", "contre", "avec", "pour",
        "sur",
    ]) {
        0.5
    } else {
        1.0
    }
}

/// "Gabtali areas (Dhaka city)", "Demra areas, Dhaka city", "Chatkhil upazila (Noakhali": a
/// name after a unit word and a bracket or a comma says where the places before it are.
fn locates_units_before(text: &str, start: usize) -> bool {
    let head = text[..start].trim_end();
    let Some(head) = head.strip_suffix(['(', ',']) else {
        return false;
    };
    let unit = head
        .trim_end()
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("");
    listed(UNIT_WORDS, unit)
}

/// "in Moscow", "à Paris": a preposition makes the name a place, whatever follows.
fn after_preposition(text: &str, start: usize) -> bool {
    const PREPOSITIONS: &[&str] = &[
        "in", "at", "to", "from", "near", "into", "à", "a", "dans", "de", "d", "vers", "en",
    ];
    listed(PREPOSITIONS, word_before(text, start))
}

/// The word before `start`, an elided article's apostrophe aside ("l'", "d'").
fn word_before(text: &str, start: usize) -> &str {
    text[..start]
        .trim_end_matches(|c: char| c.is_whitespace() || c == '\'' || c == '’')
        .rsplit(|c: char| c.is_whitespace() || c == '\'' || c == '’')
        .next()
        .unwrap_or("")
}

/// "near Y", "60 km south of Y", "à 60 km au sud de Y", "outside Y": the text places what it
/// tells only near the name, at an unnamed place.
fn relates_before(text: &str, start: usize) -> bool {
    // The four words before the name lie in the 60 bytes before it.
    let mut from = start.saturating_sub(60);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let head = &text[from..start];
    let mut words = head
        .rsplit(|c: char| c.is_whitespace() || c == '\'' || c == '’')
        .filter(|w| !w.is_empty());
    let is = |word: &str, list: &[&str]| list.iter().any(|w| w.eq_ignore_ascii_case(word));
    match words.next() {
        Some(first)
            if is(first, &["near", "outside", "pres"])
                || (!first.is_ascii() && first.to_lowercase() == "près") =>
        {
            true
        }
        Some(of) if is(of, &["of", "de", "d", "du"]) => words.take(2).any(|w| {
            listed(RELATION_WORDS, w)
                && !is(
                    w,
                    &["town", "city", "village", "ville", "commune", "district"],
                )
        }),
        _ => false,
    }
}

fn listed(list: &[&str], word: &str) -> bool {
    // Most words are ASCII: compared without a lower-case copy.
    if word.is_ascii() {
        return list.iter().any(|entry| entry.eq_ignore_ascii_case(word));
    }
    let lower = word.to_lowercase();
    list.contains(&lower.as_str())
}
