//! The demo's texts in Russian and Kazakh (`kenes demo --lang ru|kk`):
//! committee, council and federation names, industries, proposal titles,
//! demands and report texts. The scenario is written in English; each op
//! body's texts are looked up here as the op is authored, so the story and
//! its structure are the same in every language. Area paths and people's
//! names stay as they are (the map knows the places by their Latin names).

/// A language the demo can be built in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoLang {
    /// English, as written.
    En,
    /// Russian.
    Ru,
    /// Kazakh.
    Kk,
}

/// (English, Russian, Kazakh).
const TEXTS: &[(&str, &str, &str)] = &[
    (
        "Hold the gate on Monday night",
        "Держать ворота в ночь на понедельник",
        "Дүйсенбі түні қақпаны ұстау",
    ),
    (
        "Two shifts at the main gate from 22:00; the night shift brings water",
        "Две смены у главных ворот с 22:00; ночная смена приносит воду",
        "Бас қақпада 22:00-ден екі ауысым; түнгі ауысым су әкеледі",
    ),
    (
        "Who keeps watch at the main gate?",
        "Кто дежурит у главных ворот?",
        "Бас қақпада кім кезекшілік етеді?",
    ),
    (
        "Our brigade takes the first shift",
        "Наша бригада берёт первую смену",
        "Біздің бригада бірінші ауысымды алады",
    ),
    (
        "Send a delegation to Zhanaozen",
        "Отправить делегацию в Жанаозен",
        "Жаңаөзенге делегация жіберу",
    ),
    (
        "Five of us drive to the square on Tuesday morning",
        "Пятеро из нас едут на площадь во вторник утром",
        "Бесеуміз сейсенбі күні таңертең алаңға барамыз",
    ),
    (
        "Cars for the delegation",
        "Машины для делегации",
        "Делегацияға көліктер",
    ),
    (
        "I can take four people",
        "Я могу взять четверых",
        "Мен төрт адамды ала аламын",
    ),
    (
        "Kazakhstan, January 2022",
        "Казахстан, январь 2022",
        "Қазақстан, 2022 жылғы қаңтар",
    ),
    ("oil and gas", "нефть и газ", "мұнай және газ"),
    (
        "mining and metallurgy",
        "горнодобывающая промышленность и металлургия",
        "тау-кен өнеркәсібі және металлургия",
    ),
    (
        "Ozenmunaigas oil workers",
        "Нефтяники «Озенмунайгаза»",
        "«Өзенмұнайгаз» мұнайшылары",
    ),
    (
        "Karazhanbasmunai oil workers",
        "Нефтяники «Каражанбасмуная»",
        "«Қаражанбасмұнай» мұнайшылары",
    ),
    (
        "Mangistaumunaigas oilfield workers",
        "Промысловики «Мангистаумунайгаза»",
        "«Маңғыстаумұнайгаз» кәсіпшілік жұмысшылары",
    ),
    (
        "Tengizchevroil contractors",
        "Подрядчики «Тенгизшевройла»",
        "«Теңізшевройл» мердігерлері",
    ),
    (
        "Embamunaigas workers",
        "Работники «Эмбамунайгаза»",
        "«Ембімұнайгаз» жұмысшылары",
    ),
    (
        "Aktobe oil workers",
        "Нефтяники Актобе",
        "Ақтөбе мұнайшылары",
    ),
    (
        "Karachaganak workers",
        "Работники Карачаганака",
        "Қарашығанақ жұмысшылары",
    ),
    (
        "Kyzylorda oil workers",
        "Нефтяники Кызылорды",
        "Қызылорда мұнайшылары",
    ),
    (
        "ArcelorMittal Temirtau miners",
        "Шахтёры «АрселорМиттал Темиртау»",
        "«АрселорМиттал Теміртау» кеншілері",
    ),
    (
        "ArcelorMittal Temirtau steelworkers",
        "Металлурги «АрселорМиттал Темиртау»",
        "«АрселорМиттал Теміртау» металлургтері",
    ),
    (
        "Kazakhmys copper smelters",
        "Медеплавильщики «Казахмыса»",
        "«Қазақмыс» мыс балқытушылары",
    ),
    (
        "Kazakhmys Zhezkazgan miners",
        "Горняки «Казахмыса» в Жезказгане",
        "«Қазақмыстың» Жезқазған кеншілері",
    ),
    (
        "Ekibastuz coal miners",
        "Угольщики Экибастуза",
        "Екібастұз көмір кеншілері",
    ),
    (
        "Zhanaozen residents",
        "Жители Жанаозена",
        "Жаңаөзен тұрғындары",
    ),
    ("Aktau residents", "Жители Актау", "Ақтау тұрғындары"),
    ("Atyrau residents", "Жители Атырау", "Атырау тұрғындары"),
    ("Uralsk residents", "Жители Уральска", "Орал тұрғындары"),
    ("Aktobe residents", "Жители Актобе", "Ақтөбе тұрғындары"),
    (
        "Kyzylorda residents",
        "Жители Кызылорды",
        "Қызылорда тұрғындары",
    ),
    ("Taraz residents", "Жители Тараза", "Тараз тұрғындары"),
    (
        "Taldykorgan residents",
        "Жители Талдыкоргана",
        "Талдықорған тұрғындары",
    ),
    (
        "Turkistan residents",
        "Жители Туркестана",
        "Түркістан тұрғындары",
    ),
    (
        "Shymkent residents",
        "Жители Шымкента",
        "Шымкент тұрғындары",
    ),
    (
        "Ekibastuz residents",
        "Жители Экибастуза",
        "Екібастұз тұрғындары",
    ),
    ("Almaty residents", "Жители Алматы", "Алматы тұрғындары"),
    (
        "Karaganda residents",
        "Жители Караганды",
        "Қарағанды тұрғындары",
    ),
    (
        "Petropavlovsk residents",
        "Жители Петропавловска",
        "Петропавл тұрғындары",
    ),
    (
        "Pavlodar residents",
        "Жители Павлодара",
        "Павлодар тұрғындары",
    ),
    (
        "Ust-Kamenogorsk residents",
        "Жители Усть-Каменогорска",
        "Өскемен тұрғындары",
    ),
    ("Semey residents", "Жители Семея", "Семей тұрғындары"),
    (
        "Zhanaozen council of elders",
        "Совет аксакалов Жанаозена",
        "Жаңаөзен ақсақалдар кеңесі",
    ),
    (
        "Mangystau regional council",
        "Мангистауский областной совет",
        "Маңғыстау облыстық кеңесі",
    ),
    (
        "Atyrau regional council",
        "Атырауский областной совет",
        "Атырау облыстық кеңесі",
    ),
    (
        "Karaganda regional council",
        "Карагандинский областной совет",
        "Қарағанды облыстық кеңесі",
    ),
    (
        "Oil and gas workers' council",
        "Совет рабочих нефтегазовой отрасли",
        "Мұнай-газ жұмысшылары кеңесі",
    ),
    (
        "Mining and metallurgy workers' council",
        "Совет горняков и металлургов",
        "Кеншілер мен металлургтер кеңесі",
    ),
    (
        "Affiliate to the council",
        "Вступить в совет",
        "Кеңеске кіру",
    ),
    ("Accept affiliation", "Принять в совет", "Кеңеске қабылдау"),
    (
        "Elect two delegates",
        "Избрать двух делегатов",
        "Екі делегат сайлау",
    ),
    (
        "Recall our delegate: he negotiated with management alone",
        "Отозвать нашего делегата: он в одиночку вёл переговоры с руководством",
        "Делегатымызды кері шақыру: ол басшылықпен жалғыз келіссөз жүргізді",
    ),
    ("Adopt the demand", "Принять требование", "Талапты қабылдау"),
    (
        "Merge the duplicate wage demand",
        "Объединить повторное требование о зарплате",
        "Жалақы туралы қайталанған талапты біріктіру",
    ),
    (
        "The elders of Zhanaozen stand with the strikers: the demands are just",
        "Аксакалы Жанаозена на стороне бастующих: требования справедливы",
        "Жаңаөзен ақсақалдары ереуілшілерді қолдайды: талаптар әділ",
    ),
    (
        "Join the general strike from Monday",
        "Присоединиться ко всеобщей забастовке с понедельника",
        "Дүйсенбіден бастап жалпы ереуілге қосылу",
    ),
    (
        "A 100% wage rise",
        "Повышение зарплаты на 100%",
        "Жалақыны 100% көтеру",
    ),
    (
        "Cancel the results of \"optimisation\": reinstate laid-off workers",
        "Отменить итоги «оптимизации»: восстановить уволенных",
        "«Оңтайландыру» нәтижелерін жою: жұмыстан шығарылғандарды қайта алу",
    ),
    (
        "Better working conditions",
        "Лучшие условия труда",
        "Еңбек жағдайын жақсарту",
    ),
    (
        "Free trade-union activity",
        "Свобода профсоюзной деятельности",
        "Кәсіподақ қызметінің еркіндігі",
    ),
    (
        "A lower retirement age",
        "Снижение пенсионного возраста",
        "Зейнет жасын төмендету",
    ),
    (
        "The right to strike",
        "Право на забастовку",
        "Ереуілге шығу құқығы",
    ),
    (
        "Return the price of liquefied gas to 60 tenge",
        "Вернуть цену сжиженного газа к 60 тенге",
        "Сұйытылған газ бағасын 60 теңгеге қайтару",
    ),
    (
        "Mining and large-scale industry under the control of workers' collectives",
        "Горнодобывающую и крупную промышленность — под контроль трудовых коллективов",
        "Тау-кен және ірі өнеркәсіп еңбек ұжымдарының бақылауына берілсін",
    ),
    (
        "Double our wages",
        "Удвоить нашу зарплату",
        "Жалақымызды екі есе көтеру",
    ),
    (
        "The price of liquefied gas has doubled: residents and oil workers rally in the square",
        "Цена сжиженного газа выросла вдвое: жители и нефтяники вышли на площадь",
        "Сұйытылған газ бағасы екі есе өсті: тұрғындар мен мұнайшылар алаңға шықты",
    ),
    (
        "Ozenmunaigas workers stop work; rallies put forward our own demands",
        "Работники «Озенмунайгаза» прекратили работу; митинги выдвигают наши требования",
        "«Өзенмұнайгаз» жұмысшылары жұмысты тоқтатты; митингтер өз талаптарымызды қойып отыр",
    ),
    (
        "General strike across Mangystau",
        "Всеобщая забастовка по всему Мангистау",
        "Бүкіл Маңғыстау бойынша жалпы ереуіл",
    ),
    (
        "Oilfields of Zhetybai join the general strike",
        "Промыслы Жетыбая присоединились ко всеобщей забастовке",
        "Жетібай кәсіпшіліктері жалпы ереуілге қосылды",
    ),
    (
        "Aktau square occupied",
        "Площадь в Актау занята протестующими",
        "Ақтау алаңында наразылар тұр",
    ),
    (
        "The strike spreads to Atyrau",
        "Забастовка перекинулась на Атырау",
        "Ереуіл Атырауға жайылды",
    ),
    (
        "Tengizchevroil oil workers walk out",
        "Нефтяники «Тенгизшевройла» остановили работу",
        "«Теңізшевройл» мұнайшылары жұмысты тастады",
    ),
    (
        "Oil workers strike in support of Mangystau",
        "Нефтяники бастуют в поддержку Мангистау",
        "Мұнайшылар Маңғыстауды қолдап ереуілге шықты",
    ),
    (
        "ArcelorMittal Temirtau miners down tools",
        "Шахтёры «АрселорМиттал Темиртау» бросили работу",
        "«АрселорМиттал Теміртау» кеншілері жұмысты тоқтатты",
    ),
    (
        "Kazakhmys copper smelters strike",
        "Бастуют медеплавильщики «Казахмыса»",
        "«Қазақмыс» мыс балқытушылары ереуілге шықты",
    ),
    (
        "Kazakhmys miners strike: in practice a general strike of the mining industry",
        "Бастуют горняки «Казахмыса»: по сути всеобщая забастовка горнодобывающей отрасли",
        "«Қазақмыс» кеншілері ереуілде: іс жүзінде тау-кен саласының жалпы ереуілі",
    ),
    ("Open-ended rally", "Бессрочный митинг", "Мерзімсіз митинг"),
    (
        "The internet is shut down nationwide; a state of emergency is declared",
        "Интернет отключён по всей стране; объявлено чрезвычайное положение",
        "Бүкіл елде интернет өшірілді; төтенше жағдай жарияланды",
    ),
    (
        "Troops in the city; the rally disperses",
        "В городе войска; митинг расходится",
        "Қалада әскер; митинг тарап жатыр",
    ),
    (
        "Still on strike; the council of elders supports the demands",
        "Забастовка продолжается; совет аксакалов поддерживает требования",
        "Ереуіл жалғасуда; ақсақалдар кеңесі талаптарды қолдайды",
    ),
    (
        "The rally continues",
        "Митинг продолжается",
        "Митинг жалғасуда",
    ),
];

impl DemoLang {
    /// `english` in this language: found in the table as it is, or as a
    /// name with a copy number (`… (2)`, from `bench --scale`). Texts not in
    /// the table (none in the scenario) stay English.
    pub fn tr(self, english: &str) -> String {
        let (base, suffix) = match english.rsplit_once(" (") {
            Some((base, n)) if n.ends_with(')') => (base, &english[base.len()..]),
            _ => (english, ""),
        };
        let Some((_, ru, kk)) = TEXTS.iter().find(|(en, _, _)| *en == base) else {
            return english.to_string();
        };
        match self {
            DemoLang::En => english.to_string(),
            DemoLang::Ru => format!("{ru}{suffix}"),
            DemoLang::Kk => format!("{kk}{suffix}"),
        }
    }

    /// The body with its texts in this language.
    pub fn body(self, mut body: kenes_core::Body) -> kenes_core::Body {
        use kenes_core::Body;
        use kenes_core::body::{CommitteeKind, CouncilScope};
        let tr = |text: &mut String| *text = self.tr(text);
        match &mut body {
            Body::CreateCommittee { name, kind, .. } => {
                tr(name);
                match kind {
                    CommitteeKind::Production { industry, .. }
                    | CommitteeKind::Council {
                        scope: CouncilScope::Industry(industry),
                    } => tr(industry),
                    _ => {}
                }
            }
            Body::Propose {
                title: kenes_core::body::Text::Plain(title),
                ..
            }
            | Body::Demand { title, .. } => tr(title),
            Body::Report {
                text: kenes_core::body::Text::Plain(text),
                ..
            }
            | Body::UpdateReport {
                text: kenes_core::body::Text::Plain(text),
                ..
            } => tr(text),
            _ => {}
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::DemoLang;
    use kenes_core::{Engine, Op, Verify};

    fn cyrillic(text: &str) -> bool {
        text.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
    }

    #[test]
    fn every_text_of_the_scenario_is_translated() {
        for lang in [DemoLang::Ru, DemoLang::Kk] {
            let (_, ops) =
                super::super::build_in(indicatif::ProgressBar::hidden(), 1, lang).unwrap();
            let genesis = Op::decode(&ops[0]).unwrap();
            let mut engine = Engine::new(genesis.id);
            engine.ingest(&ops, Verify::Trusted);
            let state = engine.state();
            let mut texts: Vec<&str> = Vec::new();
            for c in state.committees.values() {
                texts.push(&c.name);
                texts.extend(c.proposals.values().filter_map(|p| p.title.readable()));
                texts.extend(c.demands.values().map(|d| d.title.as_str()));
                for r in c.reports.values() {
                    texts.extend(
                        r.history
                            .iter()
                            .filter_map(|u| u.text.readable())
                            .filter(|t| !t.is_empty()),
                    );
                }
            }
            assert!(texts.len() > 100);
            for text in texts {
                assert!(cyrillic(text), "{lang:?}: {text}");
            }
        }
    }
}
