//! Actors named in a sentence, as ACLED-style labels ("Police Forces of Kazakhstan").

use super::lexicon::{Hit, Term};

/// People a sentence talks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Protesters,
    Rioters,
    Security,
    Military,
    Civilians,
    /// Gunmen, militants: armed and not the state's.
    Armed,
    /// People acting together with no organisation of arms: party supporters and members,
    /// locals, villagers, assailants. What they do to people or property is mob violence.
    Partisans,
    /// People named by their trade or kin ("labourers", "relatives", "shopkeepers"): when they
    /// act they are a mob ([`Group::Partisans`]), when they suffer ("two labourers were
    /// killed") civilians. The sentence's reader decides which.
    Folk,
    /// People named by their number alone ("15 people", "des personnes"): a mob when they act,
    /// else nobody in particular (a toll of people says nothing of who they were).
    People,
}

/// The actor labels of a sentence's hits, in order of first mention, without repeats.
///
/// `home` is the English name of the article's country. Troops are labelled by a nationality
/// stated in the sentence; troops that are deployed without one are left unlabelled, since a
/// deployment into a country is usually a foreign one.
pub fn actors(hits: &[Hit], home: Option<&str>, deployment: bool) -> Vec<String> {
    let nationalities: Vec<&str> = hits
        .iter()
        .filter_map(|h| match h.term {
            Term::Nationality(n) => Some(n),
            _ => None,
        })
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut push = |label: String| {
        if !out.contains(&label) {
            out.push(label);
        }
    };
    let of = |prefix: &str| match home {
        Some(country) => format!("{prefix} of {country}"),
        None => prefix.to_string(),
    };
    let from = |who: &str| match home {
        Some(country) => format!("{who} ({country})"),
        None => who.to_string(),
    };
    for hit in hits {
        match hit.term {
            Term::Group(Group::Protesters) => push(from("Protesters")),
            Term::Group(Group::Rioters) => push(from("Rioters")),
            Term::Group(Group::Civilians) => push(from("Civilians")),
            Term::Group(Group::Armed) => push(from("Unidentified Armed Group")),
            Term::Group(Group::Security) => push(of("Police Forces")),
            Term::Group(Group::Military) if !nationalities.is_empty() => {
                for n in &nationalities {
                    push(format!("Military Forces of {n}"));
                }
            }
            Term::Group(Group::Military) if !deployment => push(of("Military Forces")),
            Term::Organisation(label) => push(label.to_string()),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::lang::Lang;
    use crate::extract::lexicon::Lexicon;

    fn labels(lang: Lang, text: &str, deployment: bool) -> Vec<String> {
        let mut hits = Vec::new();
        Lexicon::get(lang).scan(text, &mut hits);
        actors(&hits, Some("Kazakhstan"), deployment)
    }

    #[test]
    fn labels_groups_and_foreign_troops() {
        assert_eq!(
            labels(Lang::Fr, "la police a disperse les manifestants", false),
            ["Police Forces of Kazakhstan", "Protesters (Kazakhstan)"]
        );
        assert_eq!(
            labels(
                Lang::Fr,
                "la federation de russie a envoye des troupes de l'otsc",
                true
            ),
            ["Military Forces of Russia", "CSTO"]
        );
        assert!(labels(Lang::Fr, "des unites des troupes ont ete envoyees", true).is_empty());
    }
}
