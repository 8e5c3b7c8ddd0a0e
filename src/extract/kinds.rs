//! Kinds of happening named by the lexicons, when a mention is an event, and its ACLED type.

use super::actors::Group;
use crate::model::EventType;

/// A kind of happening a cue names, before the sentence decides its ACLED type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Happening {
    Protest,
    /// Police or troops act on a protest: encircle, disperse, clear a square.
    ProtestIntervention,
    Riot,
    Attack,
    Clash,
    /// Fire exchanged (a gun battle, a shootout): armed on both sides.
    GunBattle,
    Shooting,
    Killing,
    /// A mob kills or beats a suspect.
    Lynching,
    Abduction,
    Explosion,
    Shelling,
    Airstrike,
    Grenade,
    Looting,
    Arrest,
    Deployment,
    /// Internet, borders, airports closed or reopened.
    Shutdown,
    /// State of emergency, curfew, martial law.
    Emergency,
}

/// What a cue needs from its sentence before it counts as an event.
///
/// Nouns such as "manifestations" or "émeutes" also appear in commentary ("leader des
/// manifestations", "la répression des émeutes"); they count only when the sentence asserts
/// that something took place, names a city or region, or gives a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Licence {
    /// A verb of action: always an event.
    Strong,
    /// Needs an eventive predicate, a city or region of its own, or a count.
    Weak,
    /// Needs an eventive predicate ("état d'urgence" + "décrété").
    Predicated,
    /// Needs this group in the sentence ("ont encerclé" + "manifestants").
    With(Group),
    /// Needs a figure or some group of people in the sentence: a word with a sense that is no
    /// event ("arrêtée": halted, as production can be).
    People,
    /// Needs protesters, rioters, residents or a party's supporters in the sentence: a road
    /// blocked by them is a protest, by the police it is not.
    Civil,
}

/// What a sentence offers to license and type its cues.
pub struct SentenceFacts<'a> {
    pub eventive: bool,
    /// The sentence itself names a city or region.
    pub names_locality: bool,
    pub has_count: bool,
    /// Groups mentioned, with their folded offsets.
    pub groups: &'a [(usize, Group)],
    /// Protesters were mentioned earlier in the paragraph or in this sentence.
    pub protest_context: bool,
    /// The paragraph's last violent event is a riot: what is wrecked next is part of it.
    pub riot_context: bool,
    /// Police or troops act on people in this sentence (arrests, dispersal).
    pub intervention: bool,
}

impl SentenceFacts<'_> {
    pub fn has(&self, group: Group) -> bool {
        self.groups.iter().any(|&(_, g)| g == group)
    }

    pub fn licenses(&self, licence: Licence) -> bool {
        match licence {
            Licence::Strong => true,
            Licence::Weak => self.eventive || self.names_locality || self.has_count,
            Licence::Predicated => self.eventive,
            // A crowd of a party's supporters dispersed or surrounded is a crowd too.
            Licence::With(Group::Protesters) => {
                self.has(Group::Protesters) || self.has(Group::Partisans)
            }
            Licence::With(group) => self.has(group),
            Licence::People => self.has_count || !self.groups.is_empty(),
            Licence::Civil => self.groups.iter().any(|&(_, g)| {
                matches!(
                    g,
                    Group::Protesters | Group::Rioters | Group::Civilians | Group::Partisans
                )
            }),
        }
    }

    fn force_before_protesters_after(&self, at: usize) -> bool {
        let force_before = self
            .groups
            .iter()
            .any(|&(p, g)| p < at && matches!(g, Group::Security | Group::Military));
        let protesters_after = self
            .groups
            .iter()
            .any(|&(p, g)| p > at && g == Group::Protesters);
        force_before && protesters_after
    }
}

pub const PEACEFUL_PROTEST: (EventType, &str) = (EventType::Protests, "Peaceful protest");
pub const PROTEST_WITH_INTERVENTION: (EventType, &str) =
    (EventType::Protests, "Protest with intervention");
pub const EXCESSIVE_FORCE: (EventType, &str) =
    (EventType::Protests, "Excessive force against protesters");
pub const VIOLENT_DEMONSTRATION: (EventType, &str) = (EventType::Riots, "Violent demonstration");
pub const MOB_VIOLENCE: (EventType, &str) = (EventType::Riots, "Mob violence");
pub const ARMED_CLASH: (EventType, &str) = (EventType::Battles, "Armed clash");
pub const ATTACK: (EventType, &str) = (EventType::ViolenceAgainstCivilians, "Attack");
pub const ARRESTS: (EventType, &str) = (EventType::StrategicDevelopments, "Arrests");
/// What a shutdown or an emergency rule is coded as.
pub const NATIONAL_MEASURE: (EventType, &str) = (EventType::StrategicDevelopments, "Other");

/// The ACLED type and sub-event type of a happening named at folded offset `at`.
pub fn classify(
    happening: Happening,
    at: usize,
    facts: &SentenceFacts,
) -> (EventType, &'static str) {
    use EventType::*;
    let crowd = facts.has(Group::Protesters) || facts.has(Group::Rioters);
    let forces = facts.has(Group::Security) || facts.has(Group::Military);
    let armed = facts.has(Group::Armed);
    // ACLED: Battles need organised armed groups; party supporters, locals or students who
    // fight each other, beat someone or wreck property are a mob, in a protest a riot.
    let mob = !armed && !forces && (facts.has(Group::Partisans) || facts.has(Group::Rioters));
    let unrest = if crowd || facts.protest_context || facts.riot_context {
        VIOLENT_DEMONSTRATION
    } else {
        MOB_VIOLENCE
    };
    match happening {
        Happening::Protest if facts.intervention => PROTEST_WITH_INTERVENTION,
        Happening::Protest => PEACEFUL_PROTEST,
        Happening::ProtestIntervention => PROTEST_WITH_INTERVENTION,
        Happening::Riot => VIOLENT_DEMONSTRATION,
        Happening::Attack if facts.force_before_protesters_after(at) => EXCESSIVE_FORCE,
        // Gunmen attacking, or fought by, the police or the army: a battle, not a riot.
        Happening::Attack | Happening::Clash | Happening::Shooting if armed && forces => {
            ARMED_CLASH
        }
        Happening::Attack if crowd || forces => VIOLENT_DEMONSTRATION,
        Happening::Attack | Happening::Killing if mob => unrest,
        Happening::Attack | Happening::Killing => ATTACK,
        Happening::Lynching => MOB_VIOLENCE,
        Happening::Abduction => (ViolenceAgainstCivilians, "Abduction/forced disappearance"),
        Happening::GunBattle => ARMED_CLASH,
        // Armed groups fighting each other are a battle; anyone else clashing is unrest.
        Happening::Clash if armed => ARMED_CLASH,
        Happening::Clash => unrest,
        Happening::Shooting if facts.protest_context => EXCESSIVE_FORCE,
        // Gunmen shooting where no police or troops fight back shoot at civilians.
        Happening::Shooting if armed && !forces => ATTACK,
        Happening::Shooting if mob => MOB_VIOLENCE,
        // Someone shot dead or wounded by unnamed shooters, not in a fight with police or
        // troops, is a civilian attacked; gunfire heard with no victim is a clash.
        Happening::Shooting if facts.has_count && !forces => ATTACK,
        Happening::Shooting => ARMED_CLASH,
        // Crude bombs thrown by party men or a mob, with no armed group behind them, are the
        // mob's weapon: ACLED codes the event as a riot, not as remote violence.
        Happening::Explosion | Happening::Grenade if mob => unrest,
        Happening::Explosion => (ExplosionsRemoteViolence, "Remote explosive/landmine/IED"),
        Happening::Shelling => (
            ExplosionsRemoteViolence,
            "Shelling/artillery/missile attack",
        ),
        Happening::Airstrike => (ExplosionsRemoteViolence, "Air/drone strike"),
        Happening::Grenade => (ExplosionsRemoteViolence, "Grenade"),
        // Wrecking and burning by a mob, by residents or by the protesters of the sentence is
        // a riot (ACLED's codebook: vandalism in a demonstration makes it violent).
        Happening::Looting
            if !forces
                && !armed
                && (mob
                    || facts.riot_context
                    || facts.has(Group::Civilians)
                    || facts.has(Group::Protesters)) =>
        {
            unrest
        }
        Happening::Looting => (StrategicDevelopments, "Looting/property destruction"),
        Happening::Arrest => ARRESTS,
        Happening::Deployment => (StrategicDevelopments, "Change to group/activity"),
        Happening::Shutdown | Happening::Emergency => NATIONAL_MEASURE,
    }
}

/// Whether an event of this type is one where people get killed or hurt, so that a death or
/// injury count in its sentence belongs to it.
pub fn is_violent(kind: (EventType, &str)) -> bool {
    matches!(
        kind.0,
        EventType::Battles
            | EventType::Riots
            | EventType::ExplosionsRemoteViolence
            | EventType::ViolenceAgainstCivilians
    ) || kind == EXCESSIVE_FORCE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_an_acled_pair() {
        let facts = SentenceFacts {
            eventive: false,
            names_locality: false,
            has_count: false,
            groups: &[(0, Group::Security), (10, Group::Protesters)],
            protest_context: true,
            riot_context: false,
            intervention: false,
        };
        for h in [
            Happening::Protest,
            Happening::ProtestIntervention,
            Happening::Riot,
            Happening::Attack,
            Happening::Clash,
            Happening::GunBattle,
            Happening::Shooting,
            Happening::Killing,
            Happening::Lynching,
            Happening::Abduction,
            Happening::Explosion,
            Happening::Shelling,
            Happening::Airstrike,
            Happening::Grenade,
            Happening::Looting,
            Happening::Arrest,
            Happening::Deployment,
            Happening::Shutdown,
            Happening::Emergency,
        ] {
            let (ty, sub) = classify(h, 5, &facts);
            assert_eq!(ty.canonical_sub_event_type(sub), Some(sub), "{h:?}");
        }
    }

    #[test]
    fn weak_cues_need_a_licence() {
        let bare = SentenceFacts {
            eventive: false,
            names_locality: false,
            has_count: false,
            groups: &[],
            protest_context: false,
            riot_context: false,
            intervention: false,
        };
        assert!(!bare.licenses(Licence::Weak));
        assert!(bare.licenses(Licence::Strong));
        let placed = SentenceFacts {
            names_locality: true,
            ..bare
        };
        assert!(placed.licenses(Licence::Weak));
        assert!(!placed.licenses(Licence::Predicated));
    }
}
