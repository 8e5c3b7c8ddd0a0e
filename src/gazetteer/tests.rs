//! Tests on the real embedded data (no mocks).

use std::collections::BTreeSet;
use std::time::Instant;

use super::*;

const ARTICLE: &str = include_str!("../../geodata/articles/kazakhstan-2022-01-fr.txt");

const ALMATY: u32 = 1526384;
const ASTANA: u32 = 1526273;
const AKTOBE: u32 = 610611;
const ATYRAU: u32 = 610529;
const KARAGANDY: u32 = 609655;
const SHYMKENT: u32 = 1518980;
const ORAL: u32 = 608668;

fn gazetteer() -> &'static Gazetteer {
    Gazetteer::embedded()
}

fn resolved_id(name: &str) -> Option<u32> {
    gazetteer().resolve(name).map(|p| p.geonameid)
}

/// `(as_written, geonameid, kind)` of every mention.
fn found(text: &str, hint: Option<&str>) -> Vec<(String, u32, PlaceKind)> {
    gazetteer()
        .mentions(text, hint, Dictionaries::ALL)
        .into_iter()
        .map(|m| (m.as_written, m.place.geonameid, m.place.kind))
        .collect()
}

#[test]
fn load_time_is_reported() {
    let started = Instant::now();
    let fresh = Gazetteer::load().expect("embedded data parses");
    println!(
        "gazetteer: {} places read in {:?} (debug build)",
        fresh.places().count(),
        started.elapsed()
    );
    assert!(fresh.cities().count() > 30_000);
}

#[test]
fn resolves_kazakh_cities_in_press_spellings() {
    let cases: &[(&[&str], u32)] = &[
        (
            &["Alma-Ata", "Almaty", "Alma Ata", "Алматы", "Алма-Ата"],
            ALMATY,
        ),
        (
            &[
                "Nur-Sultan",
                "Nur Sultan",
                "Nursultan",
                "Nour-Soultan",
                "Astana",
                "Akmola",
                "Tselinograd",
            ],
            ASTANA,
        ),
        (
            &["Aqtobe", "Aktobe", "Aqtöbe", "Aktyubinsk", "Aktioubinsk"],
            AKTOBE,
        ),
        (&["Atyrau", "Gouriev", "Guryev", "Atyraou"], ATYRAU),
        (&["Karaganda", "Qaraghandy", "Karagandy"], KARAGANDY),
        (
            &["Shymkent", "Chymkent", "Čimkent", "Chimkent", "Tchimkent"],
            SHYMKENT,
        ),
        (&["Ouralsk", "Uralsk", "Oral", "Уральск"], ORAL),
    ];
    for (names, id) in cases {
        for name in *names {
            assert_eq!(resolved_id(name), Some(*id), "{name}");
        }
    }
    let same = |names: &[&str]| {
        let ids: BTreeSet<_> = names.iter().map(|n| resolved_id(n)).collect();
        assert_eq!(ids.len(), 1, "{names:?} resolve to {ids:?}");
        assert!(ids.iter().all(Option::is_some), "{names:?} unresolved");
    };
    same(&["Kyzylorda", "Qyzylorda", "Kzyl-Orda", "Kyzyl-Orda"]);
    same(&["Oust-Kamenogorsk", "Ust-Kamenogorsk", "Öskemen"]);
    same(&["Taldykourgan", "Taldykorgan", "Taldy-Kurgan"]);
    same(&["Djamboul", "Dzhambul", "Taraz"]);
    same(&["Semeï", "Semey", "Semipalatinsk"]);
    let petropavl = gazetteer()
        .resolve_in("Petropavlovsk", Some("KZ"))
        .expect("Petropavlovsk");
    assert_eq!(
        (petropavl.name.as_str(), petropavl.country_code.as_str()),
        ("Petropavl", "KZ")
    );
}

#[test]
fn resolves_places_outside_kazakhstan() {
    for (names, country) in [
        (["Kyiv", "Kiev"], "UA"),
        (["Bichkek", "Bishkek"], "KG"),
        (["Tachkent", "Tashkent"], "UZ"),
        (["Douchanbé", "Dushanbe"], "TJ"),
    ] {
        let places: Vec<&Place> = names
            .iter()
            .map(|n| {
                gazetteer()
                    .resolve(n)
                    .unwrap_or_else(|| panic!("{n} unresolved"))
            })
            .collect();
        assert_eq!(places[0], places[1], "{names:?}");
        assert_eq!(
            (places[0].kind, places[0].country_code.as_str()),
            (PlaceKind::City, country)
        );
    }
}

#[test]
fn ranks_countries_then_hint_then_size() {
    // A country outranks the Colombian city of the same name.
    let armenia = gazetteer().resolve("Armenia").expect("Armenia");
    assert_eq!(
        (armenia.kind, armenia.country_code.as_str()),
        (PlaceKind::Country, "AM")
    );
    // Three Aktaus: the hint picks Kazakhstan's largest.
    let aktau = gazetteer().resolve_in("Aktau", Some("KZ")).expect("Aktau");
    assert_eq!(aktau.country_code, "KZ");
    assert!(aktau.population > 100_000, "{aktau:?}");
    // A bare "Almaty" is the city, not the oblast.
    assert_eq!(resolved_id("Almaty"), Some(ALMATY));
}

#[test]
fn looks_up_by_id_country_and_region() {
    let g = gazetteer();
    assert_eq!(g.place(ALMATY).map(|p| p.name.as_str()), Some("Almaty"));
    let kz = g.country("KZ").expect("KZ");
    assert_eq!(
        (kz.kind, kz.name.as_str(), kz.geonameid),
        (PlaceKind::Country, "Kazakhstan", 1522867)
    );
    assert!(
        (40.0..56.0).contains(&kz.lat) && (46.0..88.0).contains(&kz.lon),
        "{kz:?}"
    );
    let mangystau = g.region("KZ", "09").expect("KZ.09");
    assert_eq!(
        (mangystau.kind, mangystau.name.as_str()),
        (PlaceKind::Region, "Mangghystau")
    );
    assert!(g.cities().all(|p| p.kind == PlaceKind::City));
    // GeoNames names KZ's capital "Nur-Sultan", an alternate name of Astana.
    let capital = |code| g.capital(code).map(|p| (p.name.as_str(), p.geonameid));
    assert_eq!(capital("KZ"), Some(("Astana", ASTANA)));
    assert_eq!(capital("ge"), Some(("Tbilisi", 611717)));
    assert_eq!(capital("XX"), None);
}

#[test]
fn finds_countries_and_regions() {
    let text = "Des troupes au Kazakhstan et en Russie. Troops arrived in Kazakhstan from Belarus. \
                La région de Mangystau, le Mangghystau, Mangistau Region; la région d'Almaty et la ville d'Almaty.";
    let kinds: Vec<(String, PlaceKind)> = found(text, None)
        .into_iter()
        .map(|(w, _, k)| (w, k))
        .collect();
    let expected = [
        ("Kazakhstan", PlaceKind::Country),
        ("Russie", PlaceKind::Country),
        ("Kazakhstan", PlaceKind::Country),
        ("Belarus", PlaceKind::Country),
        ("Mangystau", PlaceKind::Region),
        ("Mangghystau", PlaceKind::Region),
        ("Mangistau", PlaceKind::Region),
        ("Almaty", PlaceKind::Region),
        ("Almaty", PlaceKind::City),
    ];
    let expected: Vec<(String, PlaceKind)> =
        expected.iter().map(|(w, k)| (w.to_string(), *k)).collect();
    assert_eq!(kinds, expected);
}

#[test]
fn ordinary_words_are_not_places() {
    let text = "Le message dit. Pendant les émeutes, Internet reste suspendu. Premier bilan. \
                Face à ces troubles. Selon les médias. Asie centrale. Kazakh officials said.";
    assert_eq!(found(text, Some("KZ")), vec![]);
    // Lower-case forms of place names are words: "oral", "nice".
    assert_eq!(found("an oral statement, a nice day", None), vec![]);
    // A name with a lower-case word is a building or a phrase, not the town of that name;
    // particles stay lower-case in real names.
    assert_eq!(
        found("la Maison blanche, siège de la présidence", None),
        vec![]
    );
    let rio: Vec<String> = found("à Rio de Janeiro et à Maison Blanche", None)
        .into_iter()
        .map(|(written, _, _)| written)
        .collect();
    assert_eq!(rio, vec!["Rio de Janeiro", "Maison Blanche"]);
}

#[test]
fn persons_are_not_places() {
    for text in [
        "Le président Kassym-Jomart Tokayev a parlé.",
        "Kassym-Zhomart Tokayev a assuré",
        "le régime de Nursultan Nazarbayev rendait",
        "Le représentant, Igor Konashenkov, a déclaré",
        "le colonel général Andrei Serdyukov dirigera",
        "Mukhtar Ablyazov (photo), qui vit en exil",
        "President Tokayev and Mr Nazarbayev met.",
    ] {
        assert_eq!(found(text, Some("KZ")), vec![], "{text}");
    }
    // A title before a city name makes it a person's name, a bare city stays a city.
    assert_eq!(found("le ministre Almaty", None), vec![]);
    assert_eq!(
        found("à Almaty", None),
        vec![("Almaty".to_string(), ALMATY, PlaceKind::City)]
    );
}

#[test]
fn organisations_and_domains_are_not_places() {
    for text in [
        "La chaîne de télévision Mir 24 rapporte",
        "selon Orda.kz, la situation",
        "La chaîne KazTag Telegram a écrit",
        "cité par l'agence de presse Interfax.",
        "la Douma d'Etat russe",
        "voir https://www.almaty.kz/news et tengrinews.kz",
    ] {
        assert_eq!(found(text, Some("KZ")), vec![], "{text}");
    }
}

#[test]
fn longest_name_wins_and_offsets_are_exact() {
    let text = "De Nur-Sultan au Havre: Ust-Kamenogorsk, puis Le Havre.";
    let mentions = gazetteer().mentions(text, None, Dictionaries::ALL);
    let written: Vec<&str> = mentions.iter().map(|m| m.as_written.as_str()).collect();
    // "au Havre" is the French contraction of "à Le Havre": GeoNames lists "Havre".
    assert_eq!(
        written,
        ["Nur-Sultan", "Havre", "Ust-Kamenogorsk", "Le Havre"]
    );
    assert_eq!(mentions[1].place, mentions[3].place);
    for pair in mentions.windows(2) {
        assert!(pair[0].end <= pair[1].start);
    }
    for m in &mentions {
        assert_eq!(&text[m.start..m.end], m.as_written);
    }
}

/// `(as_written, place name, country, reason)` of every place the text's geography keeps.
fn placed(text: &str) -> Vec<(String, String, String, PlaceReason)> {
    placed_in(text, Dictionaries::ALL)
}

/// [`placed`] for a text read with the words of `dictionaries`.
fn placed_in(text: &str, dictionaries: Dictionaries) -> Vec<(String, String, String, PlaceReason)> {
    let g = gazetteer();
    g.geography(text, g.mentions(text, None, dictionaries))
        .mentions
        .into_iter()
        .map(|m| {
            (
                m.as_written,
                m.place.name.clone(),
                m.place.country_code.clone(),
                m.reason,
            )
        })
        .collect()
}

#[test]
fn reads_cyrillic_text() {
    // "Уральске" (locative) is no form of Uralsk the data knows; a Ukrainian village that spells
    // so is foreign to a text about Almaty and Aktobe.
    let ids: Vec<u32> = placed("Протесты в Алматы и Уральске, затем в Актобе")
        .into_iter()
        .filter_map(|(written, ..)| gazetteer().resolve_in(&written, Some("KZ")))
        .map(|p| p.geonameid)
        .collect();
    assert_eq!(ids, [ALMATY, AKTOBE]);
}

#[test]
fn seed_article_mentions_exactly_its_places() {
    let mentions = gazetteer().mentions(ARTICLE, Some("KZ"), Dictionaries::ALL);
    for m in &mentions {
        assert_eq!(&ARTICLE[m.start..m.end], m.as_written);
    }
    let written: BTreeSet<&str> = mentions.iter().map(|m| m.as_written.as_str()).collect();
    let expected_written: BTreeSet<&str> = [
        "Kazakhstan",
        "Russie",
        "Biélorussie",
        "Tadjikistan",
        "Arménie",
        "France",
        "Almaty",
        "Alma-Ata",
        "Nur-Sultan",
        "Aqtobe",
        "Atyrau",
    ]
    .into();
    assert_eq!(written, expected_written);
    let places: BTreeSet<(&str, &str)> = mentions
        .iter()
        .map(|m| (m.place.name.as_str(), m.place.country_code.as_str()))
        .collect();
    let expected_places: BTreeSet<(&str, &str)> = [
        ("Kazakhstan", "KZ"),
        ("Russia", "RU"),
        ("Belarus", "BY"),
        ("Tajikistan", "TJ"),
        ("Armenia", "AM"),
        ("France", "FR"),
        ("Almaty", "KZ"),
        ("Astana", "KZ"),
        ("Aktobe", "KZ"),
        ("Atyrau", "KZ"),
    ]
    .into();
    assert_eq!(places, expected_places);
    let cities = mentions
        .iter()
        .filter(|m| m.place.kind == PlaceKind::City)
        .count();
    // 6× Almaty, 4× Alma-Ata, Nur-Sultan, Aqtobe, Atyrau.
    assert_eq!(cities, 13);
}

/// `(as_written, ordinary_word)` of every mention.
fn ordinary(text: &str, hint: Option<&str>) -> Vec<(String, bool)> {
    gazetteer()
        .mentions(text, hint, Dictionaries::ALL)
        .into_iter()
        .map(|m| (m.as_written, m.ordinary_word))
        .collect()
}

#[test]
fn an_ordinary_word_is_a_name_only_where_the_text_shows_it() {
    // Capitalised only because it opens the sentence: "One" is Onex's alternate name, and
    // "Attack" folds like Ataq; neither is a name here.
    assert_eq!(
        ordinary("One person was killed. Attack on a bus.", None),
        [("One".to_string(), true), ("Attack".to_string(), true)]
    );
    // With the article's country known, they are dropped; its own places stay.
    assert_eq!(
        found("One person was killed in Osh. Attack on a bus.", Some("KG")),
        [("Osh".to_string(), 1527534, PlaceKind::City)]
    );
    // Mid-sentence and spelled as the place is, the capital tells: a name.
    assert_eq!(
        found("The floods reached Oral on Monday.", None),
        [("Oral".to_string(), ORAL, PlaceKind::City)]
    );
    assert_eq!(
        ordinary("Floods in Oral.", None),
        [("Oral".to_string(), false)]
    );
    // At a sentence start, in a headline, or spelled unlike the place, only its country keeps it.
    assert_eq!(
        ordinary("Oral was calm.", None),
        [("Oral".to_string(), true)]
    );
    assert_eq!(
        found("Oral was calm.", Some("KZ")),
        [("Oral".to_string(), ORAL, PlaceKind::City)]
    );
    assert_eq!(
        ordinary("Angry Crowds Gather In Oral", None),
        [("Oral".to_string(), true)]
    );
    // An institution's word written alone names a building or a body, never a town.
    assert_eq!(ordinary("Traders at the Market protested.", None), []);
    // Proper names that are no word stay names wherever they stand.
    assert_eq!(
        ordinary("Almaty was calm.", None),
        [("Almaty".to_string(), false)]
    );
}

#[test]
fn a_determiner_makes_an_ordinary_word_a_building_not_a_town() {
    assert_eq!(
        ordinary("devant la Douane, puis à Douane.", None),
        [("Douane".to_string(), true), ("Douane".to_string(), false)]
    );
    assert_eq!(
        ordinary("près de l'Oral et à Oral.", None),
        [("Oral".to_string(), true), ("Oral".to_string(), false)]
    );
}

#[test]
fn a_dash_of_any_width_opens_a_story() {
    for text in [
        "(Reuters) - One person died.",
        "Reuters – One person died.",
        "AFP — One person died.",
    ] {
        assert_eq!(ordinary(text, None), [("One".to_string(), true)], "{text}");
    }
}

/// `(as_written, place name, country)` of the places kept.
fn kept(text: &str) -> Vec<(String, String, String)> {
    kept_in(text, Dictionaries::ALL)
}

/// [`kept`] for a text read with the words of `dictionaries`.
fn kept_in(text: &str, dictionaries: Dictionaries) -> Vec<(String, String, String)> {
    placed_in(text, dictionaries)
        .into_iter()
        .map(|(written, name, country, _)| (written, name, country))
        .collect()
}

fn row(written: &str, name: &str, country: &str) -> (String, String, String) {
    (written.to_owned(), name.to_owned(), country.to_owned())
}

#[test]
fn towns_of_a_few_thousand_people_are_found_where_the_text_is() {
    // Kenyan and Bangladeshi district towns that only cities500 lists.
    assert_eq!(
        kept("Youths blocked the road at Kiserian, Kajiado County, on Monday."),
        [row("Kiserian", "Kiserian", "KE")]
    );
    assert_eq!(
        kept("Two groups clashed in Bheramara upazila (Kushtia, Khulna) on Sunday."),
        [row("Bheramara", "Bherāmāra", "BD")]
    );
    assert_eq!(
        kept("Des jeunes ont bloqué la route à Kiserian, dans le comté de Kajiado."),
        [row("Kiserian", "Kiserian", "KE")]
    );
}

#[test]
fn a_bracket_or_a_unit_after_a_comma_locates_the_town_and_is_no_place_of_its_own() {
    // The region in brackets picks the town among its namesakes and is not a second place.
    let placed = placed("Police dispersed a rally in Kitui town (Kitui County) on Friday.");
    assert_eq!(placed.len(), 1, "{placed:?}");
    assert_eq!(
        (placed[0].1.as_str(), placed[0].2.as_str()),
        ("Kitui", "KE")
    );
    assert_eq!(
        kept("Rallies took place in Aktau, Mangystau region, and in Almaty."),
        [row("Aktau", "Aktau", "KZ"), row("Almaty", "Almaty", "KZ")]
    );
    assert_eq!(
        kept("Des heurts ont éclaté à Bheramara (district de Kushtia)."),
        [row("Bheramara", "Bherāmāra", "BD")]
    );
}

#[test]
fn a_town_unknown_or_only_known_far_away_falls_back_to_what_locates_it() {
    // "Kalacha" is only a village in Iran: the text puts it near Marsabit, in Kenya.
    assert_eq!(
        placed("Armed men attacked herders in Kalacha village, 60 km south of Marsabit."),
        [(
            "Kalacha".to_owned(),
            "Marsabit".to_owned(),
            "KE".to_owned(),
            PlaceReason::Near
        )]
    );
    // Known with its distance to a reference city, the town is the place, not the city.
    assert_eq!(
        kept("Police dispersed traders in Mwingi, 40 km north of Kitui, on Friday."),
        [row("Mwingi", "Mwingi", "KE")]
    );
    assert_eq!(
        kept("Des hommes armés ont attaqué Mwingi, à 40 km au nord de Kitui."),
        [row("Mwingi", "Mwingi", "KE")]
    );
    assert_eq!(
        placed("Gunmen shot a trader near Mandera.")[0].3,
        PlaceReason::Near
    );
}

#[test]
fn a_foreign_namesake_needs_its_country_named() {
    // "Jagannath" is an alternate name of Puri (India); "Saidabad" a town of Iran too.
    assert_eq!(
        kept("Teachers of Jagannath University marched in Dhaka on Sunday."),
        [row("Dhaka", "Dhaka", "BD")]
    );
    assert_eq!(
        kept("Protesters gathered in Dhaka, in Saidabad and Shantinagar."),
        kept("Protesters gathered in Dhaka, in Saidabad and Shantinagar.")
            .into_iter()
            .filter(|(_, _, country)| country == "BD")
            .collect::<Vec<_>>()
    );
    // Named with its country, a place abroad stays.
    assert_eq!(
        kept("Students in Dhaka protested the killings in Manipur, India."),
        [row("Dhaka", "Dhaka", "BD"), row("Manipur", "Manipur", "IN"),]
    );
    // A well-known city no namesake of which is in the text's country stays.
    assert_eq!(
        kept("Unrest spread in Kyrgyzstan. Protesters also rallied in the capital, Almaty."),
        [
            row("Kyrgyzstan", "Kyrgyzstan", "KG"),
            row("Almaty", "Almaty", "KZ"),
        ]
    );
}

#[test]
fn titles_institutions_groups_and_months_are_not_places() {
    assert_eq!(
        kept("Governor Josphat Nanok visited Lodwar after the raid."),
        [row("Lodwar", "Lodwar", "KE")]
    );
    assert_eq!(
        kept("Le gouverneur Ali Roba s'est rendu à Mandera."),
        [row("Mandera", "Mandera", "KE")]
    );
    assert_eq!(
        kept("Students of Kabi Nazrul Government College protested in Dhaka."),
        [row("Dhaka", "Dhaka", "BD")]
    );
    // A place inside an institution's name still locates it.
    assert_eq!(
        kept("Des étudiants ont manifesté à l'Université de Nairobi."),
        [row("Nairobi", "Nairobi", "KE")]
    );
    assert_eq!(
        kept("Fighting between the Jimo and Agoro clans near Kisumu."),
        kept("Fighting between the Jimo and Agoro clans near Kisumu.")
            .into_iter()
            .filter(|(written, ..)| written != "Agoro")
            .collect::<Vec<_>>()
    );
    assert_eq!(
        kept("Protests went on from Oct 31-Nov 2 in Tbilisi."),
        [row("Tbilisi", "Tbilisi", "GE")]
    );
    assert_eq!(
        kept("Les manifestations ont duré du 28 déc. au 3 janv. à Tbilissi."),
        [row("Tbilissi", "Tbilisi", "GE")]
    );
    assert!(
        kept("Fighters of al Shabaab attacked a police post in Mandera.")
            .iter()
            .all(|(written, ..)| written == "Mandera")
    );
}

#[test]
fn french_exonyms_of_capitals_are_found() {
    assert_eq!(
        kept("Des manifestants se sont rassemblés à Douchanbé, à Achgabat et à Erevan."),
        [
            row("Douchanbé", "Dushanbe", "TJ"),
            row("Achgabat", "Ashgabat", "TM"),
            row("Erevan", "Yerevan", "AM"),
        ]
    );
}

#[test]
fn every_place_says_how_sure_and_why() {
    let g = gazetteer();
    let text = "Police dispersed a rally in Kitui town (Kitui County). Protesters then marched \
        in Mwingi. Traders also closed their shops in Almaty.";
    let geography = g.geography(text, g.mentions(text, None, Dictionaries::ALL));
    for m in &geography.mentions {
        assert!((0.0..=1.0).contains(&m.confidence), "{m:?}");
    }
    let of = |written: &str| {
        geography
            .mentions
            .iter()
            .find(|m| m.as_written == written)
            .unwrap_or_else(|| panic!("{written} in {:?}", geography.mentions))
    };
    assert_eq!(of("Mwingi").reason, PlaceReason::Exact);
    assert!(of("Mwingi").confidence >= 0.8, "{:?}", of("Mwingi"));
    // Abroad from the text's country, a place is less sure.
    assert!(of("Almaty").confidence < of("Mwingi").confidence);
    assert_eq!(geography.countries.first().map(String::as_str), Some("KE"));
}

#[test]
fn a_capital_standing_for_its_government_is_no_place() {
    assert_eq!(
        kept("Moscow sent paratroopers to Almaty on Thursday."),
        [row("Almaty", "Almaty", "KZ")]
    );
    assert_eq!(
        kept("Paris a condamné la répression à Téhéran."),
        [row("Téhéran", "Tehran", "IR")]
    );
    // A place all the same where the text puts something in it.
    assert_eq!(
        kept("Protesters in Moscow said they would return."),
        [row("Moscow", "Moscow", "RU")]
    );
}

/// Gazetteer TSV (see `geodata/gazetteer/README.md`), gzip-compressed.
fn gzip_tsv(rows: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for row in rows {
        writeln!(encoder, "{row}").expect("writes to memory");
    }
    encoder.finish().expect("writes to memory")
}

#[test]
fn a_gazetteer_of_other_data_is_built_at_run_time_and_matches_the_same_way() {
    let rows = [
        "K\t1522867\tKazakhstan\t48.0\t68.0\tKZ\t\t18000000\tQazaqstan|Казахстан\t1526273",
        "R\t1526384\tAlmaty\t44.5\t78.0\tKZ\t03\t2000000\tAlmaty Oblysy\t",
        "C\t1526384\tAlmaty\t43.25\t76.9167\tKZ\t02\t2000000\tAlma-Ata|Алматы\t",
        "C\t1526273\tAstana\t51.1801\t71.446\tKZ\t05\t1000000\tNur-Sultan|Akmola\t",
        "C\t608668\tOral\t51.2333\t51.3667\tKZ\t07\t200000\tUralsk|Ouralsk\t",
        "C\t1520316\tOskemen\t49.95\t82.6\tKZ\t15\t300000\tUst-Kamenogorsk\t",
        "C\t1527534\tOsh\t40.5283\t72.7985\tKG\t08\t250000\tОш\t",
    ];
    let gazetteer = Gazetteer::from_gzip_tsv(&gzip_tsv(&rows))
        .expect("valid data")
        .with_ordinary_words(["oral"]);
    assert_eq!(gazetteer.places().count(), 7);
    assert_eq!(gazetteer.cities().count(), 5);
    let id = |name: &str| gazetteer.resolve(name).map(|p| p.geonameid);
    assert_eq!(id("Alma Ata"), Some(ALMATY));
    assert_eq!(id("Nursultan"), Some(ASTANA));
    assert_eq!(id("Ouralsk"), Some(ORAL));
    assert_eq!(id("Bishkek"), None);
    assert_eq!(gazetteer.capital("kz").map(|p| p.geonameid), Some(ASTANA));
    assert_eq!(
        gazetteer.region("KZ", "03").map(|p| p.kind),
        Some(PlaceKind::Region)
    );
    assert_eq!(
        gazetteer.country("kz").map(|p| p.name.as_str()),
        Some("Kazakhstan")
    );
    // The region carries the city's id too: the id is the city's.
    let almaty = gazetteer.place(ALMATY).expect("Almaty is there");
    assert_eq!(almaty.kind, PlaceKind::City);
    assert_eq!((almaty.lat, almaty.lon), (43.25, 76.9167));
    assert_eq!(
        gazetteer.place(1522867).map(|p| p.kind),
        Some(PlaceKind::Country)
    );
    assert_eq!(gazetteer.place(1), None);
    assert_eq!(almaty.admin1.as_deref(), Some("02"));
    let found = |text: &str| {
        gazetteer
            .mentions(text, None, Dictionaries::ALL)
            .into_iter()
            .map(|m| (m.as_written, m.place.geonameid, m.ordinary_word))
            .collect::<Vec<_>>()
    };
    // A name of several words, a short one only as the data spells it ("OSH" is not Osh).
    assert_eq!(
        found("Protests in Oust-Kamenogorsk, in Osh and OSH, then in Alma-Ata."),
        [
            ("Oust-Kamenogorsk".to_string(), 1520316, false),
            ("Osh".to_string(), 1527534, false),
            ("Alma-Ata".to_string(), ALMATY, false),
        ]
    );
    assert_eq!(found("Oral was calm."), [("Oral".to_string(), ORAL, true)]);
    assert_eq!(
        found("Floods in Oral."),
        [("Oral".to_string(), ORAL, false)]
    );
}

#[test]
fn the_embedded_image_holds_the_shipped_places() {
    let records = data::parse_gzip(include_bytes!("../../geodata/gazetteer/places.tsv.gz"))
        .expect("the shipped data parses");
    let embedded = gazetteer();
    assert_eq!(embedded.places().count(), records.len());
    for (index, (record, place)) in records.iter().zip(embedded.places()).enumerate() {
        assert_eq!(&record.place, place);
        assert_eq!(
            record.alternate_names.as_bytes(),
            embedded.layout.alternate_names(&embedded.image, index)
        );
    }
}

#[test]
fn a_malformed_image_is_an_error() {
    assert!(Gazetteer::from_image(Cow::Owned(b"EVGZ and then nothing".to_vec())).is_err());
    let image = gzip_tsv(&["C\t1\tOsh\t40.5\t72.8\tKG\t08\t250000\t\t"]);
    assert!(Gazetteer::from_gzip_tsv(&image[..image.len() / 2]).is_err());
}

/// A word is ordinary only in its own language: "embu" is French, so in an English text Embu
/// is the Kenyan town wherever it stands, and in a French one it needs the text to show it.
#[test]
fn an_ordinary_word_is_one_of_the_texts_language() {
    let g = gazetteer();
    let words = |text: &str, dictionaries| {
        g.mentions(text, None, dictionaries)
            .into_iter()
            .map(|m| (m.as_written, m.ordinary_word, m.dictionary_word))
            .collect::<Vec<_>>()
    };
    let text = "Embu residents protested.";
    assert_eq!(
        words(text, Dictionaries::ENGLISH),
        [("Embu".to_string(), false, false)]
    );
    assert_eq!(
        words(text, Dictionaries::FRENCH),
        [("Embu".to_string(), true, true)]
    );
    assert_eq!(
        kept_in("Residents protested in Embu.", Dictionaries::ENGLISH),
        [row("Embu", "Embu", "KE")]
    );
    assert_eq!(
        kept_in("Residents protested in Embu.", Dictionaries::FRENCH),
        []
    );
}

/// The place a one-name text means: the town spelled as written over a bigger city that
/// only folds alike ("Kisii" and Jixi's "Kisi"); a landform after a place ("the Laikipia
/// Plateau") is that place's, not a namesake region abroad; and a word that is only another
/// name of a famous place ("Men", one of Maine's) is no evidence of it.
#[test]
fn the_namesake_a_short_text_means() {
    let kept = |text| kept_in(text, Dictionaries::ENGLISH);
    let place = row;
    assert_eq!(
        kept("Traders protested in Kisii."),
        [place("Kisii", "Kisii", "KE")]
    );
    assert_eq!(
        kept("Herders burned a lodge on the Laikipia Plateau."),
        [place("Laikipia", "Laikipia", "KE")]
    );
    assert_eq!(
        kept("Women and Men marched in Kenya."),
        [place("Kenya", "Kenya", "KE")]
    );
}

/// A people's name before its raiders, herders or clansmen is no place ("Turkana raiders",
/// "the Orma and Pokot herders"), and a word that is another name of a country ("Grenade",
/// French for Grenada) is no country in an English text that gives it no support.
#[test]
fn peoples_and_foreign_names_of_countries_are_no_places() {
    let kept = |text| {
        kept_in(text, Dictionaries::ENGLISH)
            .into_iter()
            .map(|(written, _, _)| written)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        kept("Armed Turkana raiders stole cattle in Lodwar."),
        ["Lodwar"]
    );
    assert_eq!(
        kept("Clashes between Orma and Pokot herders left two dead."),
        Vec::<String>::new()
    );
    assert_eq!(kept("Grenade attack on a bar in Mombasa."), ["Mombasa"]);
}

/// A settlement word written with a capital after a town ("Molo Township", "Eldoret
/// Municipality", "Kakuma Settlement") names the town, not some longer name that is no place.
#[test]
fn a_capitalised_settlement_word_keeps_its_town() {
    let kept = |text| kept_in(text, Dictionaries::ENGLISH);
    assert_eq!(
        kept("A suspect was lynched in Molo Township."),
        [row("Molo", "Molo", "KE")]
    );
    assert_eq!(
        kept("Traders rioted in Eldoret Municipality."),
        [row("Eldoret", "Eldoret", "KE")]
    );
}

/// A unit word only some countries use tells the name's country: Kenya has counties, Nigeria
/// (whose Kwale is the bigger town) has none.
#[test]
fn a_national_unit_word_tells_the_country() {
    let kept = |text| kept_in(text, Dictionaries::ENGLISH);
    assert_eq!(kept("Clashes in Kwale."), [row("Kwale", "Kwale", "NG")]);
    assert_eq!(
        kept("Clashes in Kwale county."),
        [row("Kwale", "Kwale", "KE")]
    );
    assert_eq!(
        kept("Clashes in Kwale County."),
        [row("Kwale", "Kwale", "KE")]
    );
}

/// Names that only look like towns: the last word of a titled person's name, however many
/// names and particles follow the title; an organisation's initials; a sentence-opening
/// ordinary word with nothing else in the text for its country; a unit word that the town's
/// country does not have; a word said twice.
#[test]
fn names_that_only_look_like_towns() {
    let kept = |text| kept_in(text, Dictionaries::ENGLISH);
    assert!(kept("Youths loyal to Governor Mwangi wa Iria blocked a road.").is_empty());
    // The title's next word must be a name: "le gouverneur de Kisumu" governs the town.
    assert_eq!(
        kept_in("Le gouverneur de Kisumu a parlé.", Dictionaries::FRENCH),
        [row("Kisumu", "Kisumu", "KE")]
    );
    assert!(kept("A gang linked to COTU beat an activist.").is_empty());
    assert!(kept("Man kills two officers after a cleric is killed").is_empty());
    assert!(kept("A boy was beheaded by raiders in Saku constituency.").is_empty());
    // A word said twice is a word: "boda boda" is a motorbike taxi, not Boda in the CAR.
    assert!(kept("After a Boda boda rider was shot dead, riders protested.").is_empty());
    assert!(kept("Boda boda riders blocked a road.").is_empty());
}

/// "X upazila (district, division)": the district is found where the division is, though the
/// division's city, which names it, lies 200 km off.
#[test]
fn a_district_locator_is_in_its_division() {
    assert_eq!(
        kept("Two groups fought over a pond in Uttar Korimpur upazila (Brahmanbaria, Chittagong)."),
        [row("Brahmanbaria", "Brāhmanbāria", "BD")]
    );
}

/// "the Dhaka - Sylhet highway" names a road between two cities, neither the place of what
/// happened on it; "Dhaka - Mohammadpur" is a quarter of the city, and when the only
/// Mohammadpur listed is a town 200 km off, the city stands for it.
#[test]
fn roads_between_cities_and_quarters_after_a_dash() {
    assert_eq!(
        kept("Students marched along the Dhaka - Sylhet highway near Kumira (Chittagong)."),
        [row("Chittagong", "Chattogram", "BD")]
    );
    assert_eq!(
        placed_in(
            "Students clashed in Dhaka - Mohammadpur.",
            Dictionaries::ENGLISH
        )
        .into_iter()
        .map(|(written, name, _, reason)| (written, name, reason))
        .collect::<Vec<_>>(),
        [(
            "Mohammadpur".to_owned(),
            "Dhaka".to_owned(),
            PlaceReason::Near
        )]
    );
}

/// A name whose only namesake lies across a border from what locates it is near its locator:
/// "Krishnapur village, Jhenaidah district" is in Bangladesh, though India's Krishnapur lies
/// within 150 km.
#[test]
fn a_locator_across_a_border_stands_in() {
    assert_eq!(
        placed_in(
            "Two factions clashed at Krishnapur village, Jhenaidah district.",
            Dictionaries::ENGLISH
        )
        .into_iter()
        .map(|(written, name, country, _)| (written, name, country))
        .collect::<Vec<_>>(),
        [row("Krishnapur", "Jhenaidah", "BD")]
    );
    assert_eq!(
        kept("Two parties clashed in Paikpara area, Sirajganj town (Rajshahi)."),
        [row("Paikpara", "Sirajganj", "BD")]
    );
}

/// A particle joins the words of a name and never ends one: "Osh on Monday" names Osh, not
/// a town whose romanised name reads "Och'on".
#[test]
fn a_name_never_ends_on_a_particle() {
    let names: Vec<String> = found("Protesters gathered in Osh on Monday.", None)
        .into_iter()
        .map(|(written, _, _)| written)
        .collect();
    assert_eq!(names, vec!["Osh".to_owned()]);
}

/// A comma ends an institution's or a title's name: the town after it is named on its own
/// ("at the university, Sylhet city", "devant le club de la presse, Dacca").
#[test]
fn a_comma_ends_the_name_of_a_body() {
    assert_eq!(
        kept("Students rallied at the university, Sylhet city, on Monday."),
        [row("Sylhet", "Sylhet", "BD")]
    );
    assert_eq!(
        kept("Teachers protested in front of the Press Club, Dhaka, on Sunday."),
        [row("Dhaka", "Dhaka", "BD")]
    );
    assert_eq!(
        kept("Des enseignants ont manifesté devant l'université, à Sylhet, lundi."),
        [row("Sylhet", "Sylhet", "BD")]
    );
}

/// A country named only as the subject of a demand does not outweigh the town where the
/// rally was: a town written as itself after "in", all of whose namesakes are in one country.
#[test]
fn a_country_that_is_only_the_topic_leaves_the_town_where_it_happened() {
    assert_eq!(
        kept("Refugees staged a rally in Teknaf on Friday, demanding their return to Myanmar."),
        [
            row("Teknaf", "Teknāf", "BD"),
            row("Myanmar", "Myanmar", "MM")
        ]
    );
    assert_eq!(
        kept("Des réfugiés ont manifesté vendredi à Teknaf pour exiger leur retour au Myanmar."),
        [
            row("Teknaf", "Teknāf", "BD"),
            row("Myanmar", "Myanmar", "MM")
        ]
    );
}

/// "Rampura and Demra areas, Dhaka city": the capital named after the quarters' unit word
/// says where they are, and outweighs a village abroad that one of them is named like.
#[test]
fn a_city_after_the_quarters_unit_word_locates_them() {
    assert_eq!(
        kept("Rickshaw drivers marched in Rampura and Demra areas, Dhaka city, on Monday."),
        [row("Dhaka", "Dhaka", "BD")]
    );
    assert_eq!(
        kept("Des chauffeurs ont défilé lundi à Rampura, Dhaka city."),
        [row("Rampura", "Dhaka", "BD")]
    );
}

/// "Hasanpur locality (Bagmara upazila, Rajshahi)": an unknown name with its unit word opens
/// the bracket, which still locates the name before it; its namesake abroad gives way.
#[test]
fn a_bracket_may_open_on_an_unknown_unit() {
    assert_eq!(
        placed("Party members rallied in Hasanpur locality (Bagmara upazila, Rajshahi)."),
        [(
            "Hasanpur".to_owned(),
            "Rajshahi".to_owned(),
            "BD".to_owned(),
            PlaceReason::Near
        )]
    );
}
