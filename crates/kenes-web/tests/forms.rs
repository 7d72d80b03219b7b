//! Issue 13, the UI does all the CLI does: a form for each committee kind
//! and each proposal kind, over HTTP through the real router and store.
//! Each form shows only the fields its kind needs, with choices from the
//! state; what it posts lands as the right op, through the form and
//! through `POST /api/act` alike; bad input is a 4xx with a one-line
//! reason in the page's language, and changes nothing.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kenes_core::body::{CommitteeKind, CouncilScope, Policy, ProposalKind, Ratio};
use kenes_core::tally::Choice;
use kenes_core::{Body as OpBody, Hash, PublicKey, SecretKey};
use kenes_store::Store;
use kenes_store::datadir::DataDir;
use kenes_store::keyfile::KeyFile;
use kenes_sync::node::Node;
use kenes_web::{App, router};
use std::collections::BTreeSet;
use std::sync::Arc;
use tower::ServiceExt;

const HOST: &str = "127.0.0.1:7878";

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// A federation founded by Aigerim, who has a district committee.
struct Fixture {
    _dir: tempfile::TempDir,
    app: Arc<App>,
    node: Arc<Node>,
    district: Hash,
    me: PublicKey,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::new(dir.path());
    std::fs::create_dir_all(data.federations_dir()).unwrap();
    let key = SecretKey::generate();
    let genesis = kenes_core::op::genesis(&key, "Kazakhstan 2022", now());
    KeyFile::new(&key, "Aigerim", None)
        .unwrap()
        .save(&data.key_file())
        .unwrap();
    let mut store = Store::create(&data.database(&genesis.id), &genesis).unwrap();
    for body in [
        OpBody::Profile {
            name: "Aigerim".into(),
        },
        OpBody::CreateCommittee {
            name: "Zhanaozen residents".into(),
            kind: CommitteeKind::Territorial {
                area: "Kazakhstan/Mangystau/Zhanaozen".into(),
            },
            policy: Policy::default(),
        },
    ] {
        kenes_store::author::author(&mut store, &data.key_file(), &key, body, now()).unwrap();
    }
    let district = store
        .engine()
        .state()
        .committees
        .keys()
        .next()
        .copied()
        .unwrap();
    let node = Node::new(data, store, Some(key.clone()));
    let app = App::new(node.clone(), HOST.parse().unwrap());
    Fixture {
        _dir: dir,
        app,
        node,
        district,
        me: key.public(),
    }
}

struct Reply {
    status: StatusCode,
    location: String,
    body: String,
}

impl Fixture {
    async fn send(&self, request: Request<Body>) -> Reply {
        let response = router(self.app.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            location,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn signed(&self, method: &str, path: &str, lang: &str) -> axum::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, HOST)
            .header(header::ACCEPT_LANGUAGE, lang)
            .header(
                header::COOKIE,
                format!("kenes_session={}", self.app.token()),
            )
    }

    async fn page(&self, path: &str) -> String {
        self.page_in(path, "en").await
    }

    /// Page `path` in language `lang`: it must answer and lack no text.
    async fn page_in(&self, path: &str, lang: &str) -> String {
        let r = self
            .send(self.signed("GET", path, lang).body(Body::empty()).unwrap())
            .await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        assert!(!r.body.contains(kenes_web::i18n::MISSING), "{path}");
        r.body
    }

    async fn post_form(&self, fields: &[(&str, &str)], lang: &str) -> Reply {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let request = self
            .signed("POST", &format!("/act?csrf={}", self.app.csrf()), lang)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// Posts `fields` as JSON (a repeated name becomes a list).
    async fn post_json(&self, fields: &[(&str, &str)]) -> Reply {
        let mut object = serde_json::Map::new();
        for (k, v) in fields {
            let repeated = fields.iter().filter(|(n, _)| n == k).count() > 1;
            match object.get_mut(*k) {
                Some(serde_json::Value::Array(items)) => items.push((*v).into()),
                _ if repeated => {
                    object.insert(k.to_string(), serde_json::json!([v]));
                }
                _ => {
                    object.insert(k.to_string(), (*v).into());
                }
            }
        }
        let request = self
            .signed("POST", "/api/act", "en")
            .header("x-csrf-token", self.app.csrf())
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::Value::Object(object).to_string()))
            .unwrap();
        self.send(request).await
    }

    /// Posts `fields` through the form, then through the JSON API: the two
    /// ops' ids. Both must succeed.
    async fn both(&self, fields: &[(&str, &str)]) -> (Hash, Hash) {
        let form = self.post_form(fields, "en").await;
        assert_eq!(
            form.status,
            StatusCode::SEE_OTHER,
            "{fields:?}: {}",
            form.body
        );
        let from_form = form
            .location
            .split(['/', '?'])
            .find(|part| part.len() == 64)
            .unwrap_or_else(|| panic!("no id in {}", form.location))
            .parse()
            .unwrap();
        let json = self.post_json(fields).await;
        assert_eq!(json.status, StatusCode::OK, "{fields:?}: {}", json.body);
        let value: serde_json::Value = serde_json::from_str(&json.body).unwrap();
        let from_json = value["op"].as_str().unwrap().parse().unwrap();
        (from_form, from_json)
    }

    fn state<T>(&self, read: impl FnOnce(&kenes_core::State) -> T) -> T {
        read(self.node.store.lock().unwrap().engine().state())
    }

    fn digest(&self) -> Hash {
        self.node.store.lock().unwrap().engine().digest()
    }

    /// The kind of proposal `id`, wherever it is.
    fn kind_of(&self, id: &Hash) -> ProposalKind {
        self.state(|s| {
            s.committees
                .values()
                .find_map(|c| c.proposals.get(id))
                .unwrap_or_else(|| panic!("no proposal {id}"))
                .kind
                .clone()
        })
    }

    /// Proposes through both paths, checks both ops are `expected`, and
    /// returns the form's proposal.
    async fn proposes(&self, fields: &[(&str, &str)], expected: &ProposalKind) -> Hash {
        let (form, json) = self.both(fields).await;
        assert_eq!(&self.kind_of(&form), expected, "form: {fields:?}");
        assert_eq!(&self.kind_of(&json), expected, "json: {fields:?}");
        form
    }

    /// Votes `ballot` on `proposal` and closes it; it must pass.
    async fn carry(&self, proposal: &Hash, ballot: &[(&str, &str)]) {
        let id = proposal.to_hex();
        let mut vote = vec![("action", "vote"), ("proposal", id.as_str())];
        vote.extend_from_slice(ballot);
        assert_eq!(
            self.post_json(&vote).await.status,
            StatusCode::OK,
            "vote on {id}"
        );
        let close = self
            .post_json(&[("action", "close"), ("proposal", &id)])
            .await;
        assert_eq!(close.status, StatusCode::OK, "{}", close.body);
        let passed = self.state(|s| {
            s.committees
                .values()
                .find_map(|c| c.proposals.get(proposal))
                .is_some_and(|r| match &r.status {
                    kenes_core::governance::ProposalStatus::Closed(c) => c.result.passed(),
                    _ => false,
                })
        });
        assert!(passed, "{id} did not pass");
    }
}

/// The names of the fields of form `#id` in `html`.
fn fields_of(html: &str, id: &str) -> BTreeSet<String> {
    let start = html
        .find(&format!("<form id=\"{id}\""))
        .unwrap_or_else(|| panic!("no form #{id}: {html}"));
    let form = &html[start..];
    let form = &form[..form.find("</form>").unwrap()];
    form.split("name=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

/// The fields every proposal form has besides its kind's own.
const COMMON: [&str; 8] = [
    "action",
    "back",
    "at",
    "committee",
    "kind",
    "title",
    "text",
    "hours",
];

fn expect(own: &[&str]) -> BTreeSet<String> {
    COMMON.iter().chain(own).map(|s| s.to_string()).collect()
}

/// The form of `kind` for `committee`: its fields are exactly the common
/// ones and `own`, and it offers every value of `offered`.
async fn form_shows(f: &Fixture, committee: &Hash, kind: &str, own: &[&str], offered: &[String]) {
    let html = f
        .page(&format!(
            "/committee/{}/propose?kind={kind}",
            committee.to_hex()
        ))
        .await;
    assert_eq!(
        fields_of(&html, &format!("propose-{kind}")),
        expect(own),
        "the {kind} form"
    );
    for value in offered {
        assert!(
            html.contains(&format!("value=\"{value}\"")),
            "the {kind} form does not offer {value}"
        );
    }
}

#[tokio::test]
async fn every_committee_and_proposal_kind_has_a_form_that_lands_as_its_op() {
    let f = fixture();
    let me = f.me.to_hex();
    let district = f.district.to_hex();

    // Committees: the structure page links to the forms; each kind's
    // form asks only for its own fields.
    assert!(f.page("/structure").await.contains("/committees/new"));
    let shapes: [(&str, &[&str]); 5] = [
        ("territorial", &["area", "vouches_required"]),
        (
            "production",
            &["enterprise", "site", "industry", "area", "vouches_required"],
        ),
        ("council-area", &["area"]),
        ("council-industry", &["industry"]),
        ("advisory", &["vouches_required"]),
    ];
    for (kind, own) in shapes {
        let html = f.page(&format!("/committees/new?kind={kind}")).await;
        let mut wanted: BTreeSet<String> = ["action", "back", "at", "kind", "name"]
            .iter()
            .chain(own)
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            fields_of(&html, &format!("create-{kind}")),
            wanted,
            "{kind}"
        );
        wanted.clear();
    }
    let created = f
        .post_form(
            &[
                ("action", "create_committee"),
                ("kind", "council"),
                ("name", "Mangystau council"),
                ("area", "Kazakhstan/Mangystau"),
                ("back", "/committees/new?kind=council-area"),
            ],
            "en",
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let council: Hash = created
        .location
        .strip_prefix("/committee/")
        .and_then(|rest| rest.strip_suffix("?done=create_committee"))
        .expect("a new committee opens its page")
        .parse()
        .unwrap();
    let page = f.page(&created.location).await;
    assert!(page.contains("The committee is created."), "{page}");
    let council_hex = council.to_hex();
    let made = f.post_json(&[
        ("action", "create_committee"),
        ("kind", "production"),
        ("name", "Ozenmunaigas workers"),
        ("enterprise", "Ozenmunaigas"),
        ("industry", "oil and gas"),
        ("area", "Kazakhstan/Mangystau/Zhanaozen"),
        ("vouches_required", "3"),
    ]);
    assert_eq!(made.await.status, StatusCode::OK);
    let advisory = f
        .post_json(&[
            ("action", "create_committee"),
            ("kind", "advisory"),
            ("name", "Elders"),
        ])
        .await;
    assert_eq!(advisory.status, StatusCode::OK, "{}", advisory.body);
    f.state(|s| {
        assert_eq!(
            s.committees[&council].kind,
            CommitteeKind::Council {
                scope: CouncilScope::Area("Kazakhstan/Mangystau".into())
            }
        );
        let workers = s
            .committees
            .values()
            .find(|c| c.name == "Ozenmunaigas workers")
            .unwrap();
        assert_eq!(workers.policy.vouches_required, 3);
        assert!(
            s.committees
                .values()
                .any(|c| c.kind == CommitteeKind::Advisory)
        );
    });

    // The committee page's menu links to each kind that can act here.
    let committee_page = f.page(&format!("/committee/{district}")).await;
    for kind in ["decision", "statement", "policy", "remove", "affiliate"] {
        assert!(
            committee_page.contains(&format!("/propose?kind={kind}")),
            "no {kind} in the menu"
        );
    }
    assert!(
        !committee_page.contains("/propose?kind=recall"),
        "recall offered without a seat"
    );
    // The vouch form's key field is a key, not text: no hint about
    // letters (issue 13's review).
    let vouch = committee_page
        .split("id=\"vouch-key\"")
        .nth(1)
        .and_then(|f| f.split("</form>").next())
        .expect("the committee page has a vouch form");
    assert!(vouch.contains("pattern=\"[0-9a-fA-F]{64}\""), "{vouch}");
    assert!(
        !vouch.contains("Cyrillic") && !vouch.contains("bytes"),
        "{vouch}"
    );

    // Decision and statement.
    form_shows(&f, &f.district, "decision", &[], &[]).await;
    f.proposes(
        &[
            ("action", "propose"),
            ("committee", &district),
            ("kind", "decision"),
            ("title", "Strike on Monday"),
        ],
        &ProposalKind::Decision,
    )
    .await;
    form_shows(&f, &f.district, "statement", &["public"], &[]).await;
    f.proposes(
        &[
            ("action", "propose"),
            ("committee", &district),
            ("kind", "statement"),
            ("title", "To the people of Zhanaozen"),
            ("public", "on"),
        ],
        &ProposalKind::Statement { public: true },
    )
    .await;

    // A change of rules: the form starts from the rules as they are.
    form_shows(
        &f,
        &f.district,
        "policy",
        &["vouches_required", "quorum", "consensus"],
        &["1/2".into()],
    )
    .await;
    let policy = f
        .proposes(
            &[
                ("action", "propose"),
                ("committee", &district),
                ("kind", "policy"),
                ("vouches_required", "3"),
                ("quorum", "2/3"),
                ("consensus", "yes"),
            ],
            &ProposalKind::PolicyChange {
                policy: Policy {
                    vouches_required: 3,
                    quorum: Ratio(2, 3),
                    consensus: true,
                    ..Policy::default()
                },
            },
        )
        .await;

    // Its page says what it changes, in the reader's language.
    let page = f.page(&format!("/proposal/{}", policy.to_hex())).await;
    assert!(
        page.contains("New rules: 3 vouches to join, quorum 2/3, consensus: Yes."),
        "{page}"
    );
    let page = f
        .page_in(&format!("/proposal/{}", policy.to_hex()), "ru")
        .await;
    assert!(page.contains("Новые правила: для вступления 3"), "{page}");

    // Removal offers the members.
    form_shows(
        &f,
        &f.district,
        "remove",
        &["member"],
        std::slice::from_ref(&me),
    )
    .await;
    f.proposes(
        &[
            ("action", "propose"),
            ("committee", &district),
            ("kind", "remove"),
            ("member", &me),
        ],
        &ProposalKind::RemoveMember { member: f.me },
    )
    .await;

    // Affiliation, then the council accepts it.
    form_shows(
        &f,
        &f.district,
        "affiliate",
        &["council"],
        std::slice::from_ref(&council_hex),
    )
    .await;
    let affiliate = f
        .proposes(
            &[
                ("action", "propose"),
                ("committee", &district),
                ("kind", "affiliate"),
                ("council", &council_hex),
                ("hours", "1"),
            ],
            &ProposalKind::Affiliate { council },
        )
        .await;
    f.carry(&affiliate, &[("choice", "yes")]).await;
    form_shows(
        &f,
        &council,
        "accept",
        &["applicant"],
        std::slice::from_ref(&district),
    )
    .await;
    let accept = f
        .proposes(
            &[
                ("action", "propose"),
                ("committee", &council_hex),
                ("kind", "accept"),
                ("applicant", &district),
            ],
            &ProposalKind::AcceptAffiliation {
                committee: f.district,
            },
        )
        .await;
    f.carry(&accept, &[("choice", "yes")]).await;

    // An election to the council, among the committee's members.
    form_shows(
        &f,
        &f.district,
        "elect",
        &["council", "seats", "candidate"],
        &[council_hex.clone(), me.clone()],
    )
    .await;
    let election = f
        .proposes(
            &[
                ("action", "propose"),
                ("committee", &district),
                ("kind", "elect"),
                ("council", &council_hex),
                ("seats", "1"),
                ("candidate", &me),
            ],
            &ProposalKind::Election {
                council,
                seats: 1,
                candidates: vec![f.me],
            },
        )
        .await;
    f.carry(&election, &[("rank", &me)]).await;
    assert!(f.state(|s| s.committees[&council].seats[&f.district].contains(&f.me)));

    // A recall offers the seats the committee holds, as one choice.
    let seat = format!("{council_hex}:{me}");
    form_shows(
        &f,
        &f.district,
        "recall",
        &["seat"],
        std::slice::from_ref(&seat),
    )
    .await;
    f.proposes(
        &[
            ("action", "propose"),
            ("committee", &district),
            ("kind", "recall"),
            ("seat", &seat),
        ],
        &ProposalKind::Recall {
            council,
            delegate: f.me,
        },
    )
    .await;

    // The API may name the seat's council and delegate apart.
    let apart = f
        .post_json(&[
            ("action", "propose"),
            ("committee", &district),
            ("kind", "recall"),
            ("council", &council_hex),
            ("delegate", &me),
        ])
        .await;
    assert_eq!(apart.status, StatusCode::OK, "{}", apart.body);
    let apart: serde_json::Value = serde_json::from_str(&apart.body).unwrap();
    assert_eq!(
        f.kind_of(&apart["op"].as_str().unwrap().parse().unwrap()),
        ProposalKind::Recall {
            council,
            delegate: f.me,
        }
    );

    // A mandate on the council's open proposal.
    let council_question = f
        .post_json(&[
            ("action", "propose"),
            ("committee", &council_hex),
            ("title", "General strike"),
        ])
        .await;
    let council_question: serde_json::Value = serde_json::from_str(&council_question.body).unwrap();
    let council_question = council_question["op"].as_str().unwrap().to_string();
    form_shows(
        &f,
        &f.district,
        "mandate",
        &["council_proposal", "choice"],
        &[council_question.clone(), "block".into()],
    )
    .await;
    f.proposes(
        &[
            ("action", "propose"),
            ("committee", &district),
            ("kind", "mandate"),
            ("council_proposal", &council_question),
            ("choice", "yes"),
        ],
        &ProposalKind::Mandate {
            council_proposal: council_question.parse().unwrap(),
            choice: Choice::Yes,
        },
    )
    .await;

    // Demands: adopted and merged by the council.
    let mut demands = Vec::new();
    for title in ["Raise wages", "Raise the wages"] {
        let r = f
            .post_json(&[
                ("action", "demand"),
                ("committee", &district),
                ("category", "wages"),
                ("title", title),
            ])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let value: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        demands.push(value["op"].as_str().unwrap().to_string());
    }
    // A committee's own demands are adopted as they are put forward; the
    // council adopts them by proposal.
    form_shows(&f, &council, "adopt", &["demand"], &demands).await;
    f.proposes(
        &[
            ("action", "propose"),
            ("committee", &council_hex),
            ("kind", "adopt"),
            ("demand", &demands[0]),
        ],
        &ProposalKind::AdoptDemand {
            demand: demands[0].parse().unwrap(),
        },
    )
    .await;
    form_shows(&f, &council, "merge", &["from", "into"], &demands).await;
    f.proposes(
        &[
            ("action", "propose"),
            ("committee", &council_hex),
            ("kind", "merge"),
            ("from", &demands[1]),
            ("into", &demands[0]),
        ],
        &ProposalKind::MergeDemands {
            from: demands[1].parse().unwrap(),
            into: demands[0].parse().unwrap(),
        },
    )
    .await;
    // Kinds with nothing to act on are not offered: a district committee
    // merges nothing, a council elects no one.
    let district_page = f.page(&format!("/committee/{district}")).await;
    assert!(!district_page.contains("/propose?kind=merge"));
    assert!(!district_page.contains("/propose?kind=adopt"));
    let council_page = f
        .page(&format!("/committee/{council_hex}/propose?kind=elect"))
        .await;
    assert!(
        council_page.contains("Nothing to choose") || council_page.contains("nothing to choose")
    );

    // Every form reads in every language. The workplace committee asks to
    // join the council, so the council has someone to accept; the elders
    // have not asked yet.
    let id_of = |name: &str| {
        f.state(|s| {
            s.committees
                .values()
                .find(|c| c.name == name)
                .map(|c| c.id.to_hex())
                .unwrap()
        })
    };
    let (workers, elders) = (id_of("Ozenmunaigas workers"), id_of("Elders"));
    let asked = f
        .post_json(&[
            ("action", "propose"),
            ("committee", &workers),
            ("kind", "affiliate"),
            ("council", &council_hex),
        ])
        .await;
    let asked: serde_json::Value = serde_json::from_str(&asked.body).unwrap();
    f.carry(
        &asked["op"].as_str().unwrap().parse().unwrap(),
        &[("choice", "yes")],
    )
    .await;
    for lang in ["en", "ru", "kk"] {
        for kind in kenes_web::kinds::PROPOSAL_KINDS {
            let committee = match kind {
                "accept" | "merge" | "adopt" => &council_hex,
                "affiliate" => &elders,
                _ => &district,
            };
            let html = f
                .page_in(&format!("/committee/{committee}/propose?kind={kind}"), lang)
                .await;
            assert!(
                html.contains(&format!("id=\"propose-{kind}\"")),
                "{lang} {kind}"
            );
        }
        for kind in [
            "territorial",
            "production",
            "council-area",
            "council-industry",
            "advisory",
        ] {
            let html = f
                .page_in(&format!("/committees/new?kind={kind}"), lang)
                .await;
            assert!(
                html.contains(&format!("id=\"create-{kind}\"")),
                "{lang} {kind}"
            );
        }
    }

    // A structural proposal without a title gets one saying what it does.
    let titled = f.state(|s| s.committees[&f.district].proposals[&election].title.clone());
    assert_eq!(titled, "Elect 1 delegate(s) to Mangystau council".into());
}

/// Fields posted, and the reason expected in English and in Russian.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);

#[tokio::test]
async fn bad_form_input_is_refused_in_one_localized_line_and_changes_nothing() {
    let f = fixture();
    let district = f.district.to_hex();
    let before = f.digest();
    let cases: [Case; 9] = [
        // A change of rules that changes nothing.
        (
            &[
                ("action", "propose"),
                ("committee", &district),
                ("kind", "policy"),
            ],
            "“Vouches a candidate needs” is required.",
            "Поле «Сколько поручительств нужно кандидату» обязательно.",
        ),
        (
            &[
                ("action", "propose"),
                ("committee", &district),
                ("kind", "policy"),
                ("quorum", "3/2"),
            ],
            "“Quorum” must be a fraction between 0 and 1, such as 1/2.",
            "«Кворум»: нужна дробь от 0 до 1, например 1/2.",
        ),
        (
            &[
                ("action", "propose"),
                ("committee", &district),
                ("kind", "policy"),
                ("vouches_required", "0"),
            ],
            "“Vouches a candidate needs” must be at least 1.",
            "«Сколько поручительств нужно кандидату»: не меньше 1.",
        ),
        (
            &[
                ("action", "propose"),
                ("committee", &district),
                ("kind", "remove"),
                ("member", "Aigerim"),
            ],
            "“Member” is not a public key",
            "«Член комитета»",
        ),
        (
            &[
                ("action", "propose"),
                ("committee", &district),
                ("kind", "mandate"),
                ("council_proposal", &district),
            ],
            "“Vote” is required.",
            "Поле «Голос» обязательно.",
        ),
        (
            &[
                ("action", "propose"),
                ("committee", &district),
                ("kind", "veto"),
            ],
            "“veto” is not a choice for “Kind”",
            "«veto»",
        ),
        (
            &[
                ("action", "create_committee"),
                ("kind", "council"),
                ("name", "Both"),
                ("area", "Kazakhstan"),
                ("industry", "oil"),
            ],
            "A council covers an area or an industry: give exactly one.",
            "Совет охватывает территорию или отрасль: укажите что-то одно.",
        ),
        (
            &[
                ("action", "create_committee"),
                ("kind", "production"),
                ("name", "No enterprise"),
                ("area", "Kazakhstan"),
                ("industry", "oil"),
            ],
            "“Enterprise” is required.",
            "Поле «Предприятие» обязательно.",
        ),
        // Well formed, but the engine refuses: the subject is no member.
        (
            &[
                ("action", "propose"),
                ("committee", &district),
                ("kind", "remove"),
                ("member", &"ab".repeat(32)),
            ],
            "",
            "",
        ),
    ];
    for (fields, english, russian) in cases {
        for (lang, expected) in [("en", english), ("ru", russian)] {
            let r = f.post_form(fields, lang).await;
            assert!(r.status.is_client_error(), "{fields:?}: {}", r.status);
            let start = r
                .body
                .find("<p class=\"error\" role=\"alert\">")
                .expect("an error line");
            let line = &r.body[start..];
            let line = &line[line.find('>').unwrap() + 1..line.find("</p>").unwrap()];
            assert!(!line.contains('\n'), "one line: {line}");
            assert!(!line.is_empty());
            assert!(!line.contains(kenes_web::i18n::MISSING), "{line}");
            assert!(
                line.contains(&html_escape(expected)),
                "{lang}: {line} lacks {expected}"
            );
        }
        let json = f.post_json(fields).await;
        assert!(json.status.is_client_error(), "{fields:?}: {}", json.body);
        let value: serde_json::Value = serde_json::from_str(&json.body).unwrap();
        assert!(!value["error"].as_str().unwrap().contains('\n'));
    }
    assert_eq!(f.digest(), before, "refused input changed the state");
    // A form page for a committee that is not there is a 404.
    let missing = f
        .send(
            f.signed(
                "GET",
                &format!("/committee/{}/propose", "cd".repeat(32)),
                "en",
            )
            .body(Body::empty())
            .unwrap(),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

/// Text as maud escapes it in a page.
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
