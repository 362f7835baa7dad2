//! Live IAM Identity Center, Identity Store and Well-Architected Tool reads against an
//! endpoint inside the test process (no socket; moto has no Well-Architected Tool and no
//! inline-policy reads worth trusting): administrator permission sets found by managed
//! and inline policy, their accounts and assignments paged, groups resolved to their
//! members by name; the Tool's security answers paged; denied and absent instances said
//! in words.

mod support;

use aws_smithy_runtime_api::client::http::{
    http_client_fn, HttpConnector, HttpConnectorFuture, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use rampart::feed::{Status, Update};
use rampart::model::standing::Route;
use rampart::model::Clock;
use rampart::source::aws::identity_center::IdentityCenterPoller;
use rampart::source::aws::pace::Pacer;
use rampart::source::aws::poller::once;
use rampart::source::aws::wellarchitected::WaPoller;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const URL: &str = "http://in-process.invalid";
const INSTANCE: &str = "arn:aws:sso:::instance/ssoins-1";
const WORKLOAD: &str = "0123456789abcdef0123456789abcdef";

/// Every request: its API (the X-Amz-Target's operation, or method and path) and body.
type Log = Arc<Mutex<Vec<(String, Value)>>>;

#[derive(Debug, Clone)]
struct Fake {
    log: Log,
    /// ListInstances answers no instance.
    none: bool,
    /// ListInstances is denied.
    deny: bool,
}

fn ps(name: &str) -> String {
    format!("arn:aws:sso:::permissionSet/ssoins-1/ps-{name}")
}

impl Fake {
    fn answer(&self, api: &str, body: &Value) -> (u16, Value) {
        let s = |k: &str| body[k].as_str().unwrap_or_default().to_string();
        match api {
            "ListInstances" if self.deny => (
                403,
                json!({"__type": "AccessDeniedException", "message": "not authorized to perform sso:ListInstances"}),
            ),
            "ListInstances" if self.none => (200, json!({"Instances": []})),
            "ListInstances" => (
                200,
                json!({"Instances": [{"InstanceArn": INSTANCE, "IdentityStoreId": "d-1", "OwnerAccountId": "111111111111", "Status": "ACTIVE"}]}),
            ),
            "ListPermissionSets" => (
                200,
                json!({"PermissionSets": [ps("admin"), ps("read"), ps("inline")]}),
            ),
            "DescribePermissionSet" => {
                let arn = s("PermissionSetArn");
                let name = match arn.rsplit("ps-").next() {
                    Some("admin") => "AdministratorAccess",
                    Some("read") => "ReadOnly",
                    _ => "BreakGlass",
                };
                (
                    200,
                    json!({"PermissionSet": {"Name": name, "PermissionSetArn": arn}}),
                )
            }
            "ListManagedPoliciesInPermissionSet" => {
                let policy = if s("PermissionSetArn") == ps("admin") {
                    "AdministratorAccess"
                } else {
                    "ReadOnlyAccess"
                };
                (
                    200,
                    json!({"AttachedManagedPolicies": [{"Name": policy, "Arn": format!("arn:aws:iam::aws:policy/{policy}")}]}),
                )
            }
            "GetInlinePolicyForPermissionSet" => {
                let doc = if s("PermissionSetArn") == ps("inline") {
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
                } else {
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#
                };
                (200, json!({"InlinePolicy": doc}))
            }
            "ListAccountsForProvisionedPermissionSet" => {
                let arn = s("PermissionSetArn");
                if arn == ps("inline") {
                    (200, json!({"AccountIds": ["333333333333"]}))
                } else if body.get("NextToken").is_none() {
                    (
                        200,
                        json!({"AccountIds": ["111111111111"], "NextToken": "page-2"}),
                    )
                } else {
                    (200, json!({"AccountIds": ["222222222222"]}))
                }
            }
            "ListAccountAssignments" => {
                let a = |kind: &str, id: &str| json!({"AccountId": s("AccountId"), "PermissionSetArn": s("PermissionSetArn"), "PrincipalType": kind, "PrincipalId": id});
                let list = match (
                    s("AccountId").as_str(),
                    s("PermissionSetArn") == ps("admin"),
                ) {
                    ("111111111111", true) => vec![a("GROUP", "g-1"), a("USER", "u-9")],
                    ("222222222222", true) => vec![a("USER", "u-9")],
                    ("333333333333", false) => vec![a("USER", "u-2")],
                    _ => vec![],
                };
                (200, json!({"AccountAssignments": list}))
            }
            "DescribeUser" => {
                let name = match s("UserId").as_str() {
                    "u-1" => "ana",
                    "u-2" => "li",
                    _ => "jo",
                };
                (
                    200,
                    json!({"IdentityStoreId": "d-1", "UserId": s("UserId"), "UserName": name}),
                )
            }
            "DescribeGroup" => (
                200,
                json!({"IdentityStoreId": "d-1", "GroupId": "g-1", "DisplayName": "Admins"}),
            ),
            "ListGroupMemberships" => (
                200,
                json!({"GroupMemberships": [
                    {"IdentityStoreId": "d-1", "MembershipId": "m-1", "GroupId": "g-1", "MemberId": {"UserId": "u-1"}},
                    {"IdentityStoreId": "d-1", "MembershipId": "m-2", "GroupId": "g-1", "MemberId": {"UserId": "u-2"}}]}),
            ),
            "GetWorkload" => (
                200,
                json!({"Workload": {"WorkloadId": WORKLOAD, "WorkloadName": "payments"}}),
            ),
            "ListAnswers" if body["NextToken"].is_null() => (
                200,
                json!({"WorkloadId": WORKLOAD, "LensAlias": "wellarchitected", "NextToken": "a2",
                    "AnswerSummaries": [{"QuestionId": "identities", "PillarId": "security",
                        "SelectedChoices": ["sec_identities_unique"], "Risk": "NONE", "IsApplicable": true}]}),
            ),
            "ListAnswers" => (
                200,
                json!({"WorkloadId": WORKLOAD, "LensAlias": "wellarchitected",
                    "AnswerSummaries": [{"QuestionId": "permissions", "PillarId": "security",
                        "SelectedChoices": [], "Risk": "HIGH", "IsApplicable": true}]}),
            ),
            _ => (
                400,
                json!({"__type": "ValidationException", "message": format!("unknown {api}")}),
            ),
        }
    }
}

impl HttpConnector for Fake {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let target = request.headers().get("x-amz-target").unwrap_or_default();
        let uri = request.uri().to_string();
        let path = uri.strip_prefix(URL).unwrap_or(&uri).to_string();
        let raw = request.body().bytes().unwrap_or_default().to_vec();
        let mut body: Value = serde_json::from_slice(&raw).unwrap_or(json!({}));
        // IAM's query protocol: a form, answered in XML.
        let form = String::from_utf8_lossy(&raw).to_string();
        if let Some(action) = form.split('&').find_map(|kv| kv.strip_prefix("Action=")) {
            let user = form
                .split('&')
                .find_map(|kv| {
                    kv.strip_prefix("UserName=")
                        .or(kv.strip_prefix("GroupName="))
                })
                .unwrap_or_default()
                .to_string();
            self.log
                .lock()
                .unwrap()
                .push((action.to_string(), json!({"name": user})));
            let xml = iam_answer(action, &user);
            let mut response = HttpResponse::new(
                200.try_into().unwrap(),
                aws_smithy_types::body::SdkBody::from(xml),
            );
            response.headers_mut().insert("content-type", "text/xml");
            return HttpConnectorFuture::ready(Ok(response));
        }
        // awsJson names the operation in the target; the Tool's REST API in the path.
        let api = if let Some((_, op)) = target.split_once('.') {
            op.to_string()
        } else if path.contains("/answers") {
            for pair in path.split_once('?').map_or("", |(_, q)| q).split('&') {
                if let Some((k, v)) = pair.split_once('=') {
                    body[k] = json!(v);
                }
            }
            "ListAnswers".to_string()
        } else if path.starts_with("/workloads/") {
            "GetWorkload".to_string()
        } else {
            format!("{} {path}", request.method())
        };
        body["_path"] = json!(path);
        let (status, payload) = self.answer(&api, &body);
        self.log.lock().unwrap().push((api, body));
        let mut response = HttpResponse::new(
            status.try_into().unwrap(),
            aws_smithy_types::body::SdkBody::from(payload.to_string()),
        );
        response
            .headers_mut()
            .insert("content-type", "application/x-amz-json-1.1");
        if status != 200 {
            let kind = payload["__type"].as_str().unwrap_or_default().to_string();
            response.headers_mut().insert("x-amzn-errortype", kind);
        }
        HttpConnectorFuture::ready(Ok(response))
    }
}

async fn sdk(fake: Fake) -> aws_config::SdkConfig {
    support::isolate_aws_env();
    let connector = SharedHttpConnector::new(fake);
    let mut session = support::local_session(URL, "AKIAPILLARTESTKEY000");
    session.http_client = Some(http_client_fn(move |_, _| connector.clone()));
    rampart::source::aws::session::sdk_config(&support::local_account(), "us-east-1", &session)
        .await
}

fn fake(none: bool, deny: bool) -> (Fake, Log) {
    let log: Log = Default::default();
    (
        Fake {
            log: log.clone(),
            none,
            deny,
        },
        log,
    )
}

async fn identity_center(fake: Fake) -> Vec<Update> {
    let sdk = sdk(fake).await;
    let poller = IdentityCenterPoller::new(
        "111111111111".into(),
        "us-east-1".into(),
        None,
        aws_sdk_ssoadmin::Client::new(&sdk),
        aws_sdk_identitystore::Client::new(&sdk),
        Pacer::new(4),
        Duration::from_secs(3600),
    );
    once(Box::new(poller), &Clock::System).await
}

#[tokio::test]
async fn identity_center_names_every_standing_administrator_by_person_and_account() {
    let (f, log) = fake(false, false);
    let updates = identity_center(f).await;
    let Some(Update::Standing { scope, records }) = updates.first() else {
        panic!("{updates:?}");
    };
    assert_eq!(scope, &format!("identity-center:{INSTANCE}"));
    let seen: Vec<(&str, &str, Route, &str, Vec<String>)> = records
        .iter()
        .map(|r| {
            (
                r.account_id.as_str(),
                r.principal.as_str(),
                r.route,
                r.via.as_str(),
                r.members.clone(),
            )
        })
        .collect();
    let admins = "AdministratorAccess";
    let members = vec!["ana".to_string(), "li".to_string()];
    assert_eq!(
        seen,
        vec![
            (
                "111111111111",
                "Admins",
                Route::IdentityCenterGroup,
                admins,
                members
            ),
            (
                "111111111111",
                "jo",
                Route::IdentityCenterUser,
                admins,
                vec![]
            ),
            (
                "222222222222",
                "jo",
                Route::IdentityCenterUser,
                admins,
                vec![]
            ),
            (
                "333333333333",
                "li",
                Route::IdentityCenterUser,
                "BreakGlass",
                vec![]
            ),
        ],
        "the read-only set is left out; the second page of accounts is read"
    );
    let calls: Vec<String> = log.lock().unwrap().iter().map(|c| c.0.clone()).collect();
    assert_eq!(
        calls
            .iter()
            .filter(|c| *c == "ListAccountsForProvisionedPermissionSet")
            .count(),
        3,
        "two pages for the admin set, one for the inline one"
    );
    assert_eq!(
        calls.iter().filter(|c| *c == "DescribeUser").count(),
        3,
        "each user looked up once: {calls:?}"
    );
    let Some(Update::Health(key, health)) = updates.last() else {
        panic!()
    };
    assert_eq!(key.service, "identitycenter");
    assert_eq!((health.status, health.records), (Status::Ok, 4));
}

#[tokio::test]
async fn identity_center_absent_or_denied_is_said_in_words() {
    let (f, _) = fake(true, false);
    let updates = identity_center(f).await;
    let Some(Update::Health(_, h)) = updates.last() else {
        panic!()
    };
    assert_eq!(h.status, Status::NotEnabled);
    assert!(
        h.error
            .as_deref()
            .unwrap()
            .contains("management or delegated administrator"),
        "{h:?}"
    );
    let (f, _) = fake(false, true);
    let updates = identity_center(f).await;
    let Some(Update::Health(_, h)) = updates.last() else {
        panic!()
    };
    assert_eq!(h.status, Status::Failed);
    assert!(
        h.error.as_deref().unwrap().contains("sso:ListInstances"),
        "{h:?}"
    );
}

#[tokio::test]
async fn the_well_architected_answers_are_read_for_the_security_pillar_page_by_page() {
    let (f, log) = fake(false, false);
    let sdk = sdk(f).await;
    let poller = WaPoller::new(
        "111111111111".into(),
        "us-east-1".into(),
        None,
        aws_sdk_wellarchitected::Client::new(&sdk),
        Pacer::new(4),
        Duration::from_secs(3600),
        vec![WORKLOAD.into()],
        Clock::System,
    );
    let updates = once(Box::new(poller), &Clock::System).await;
    let Some(Update::WaAnswers {
        workload_id,
        answers,
    }) = updates.first()
    else {
        panic!("{updates:?}");
    };
    assert_eq!(workload_id, WORKLOAD);
    let seen: Vec<(&str, &str, &str, Vec<String>)> = answers
        .iter()
        .map(|a| {
            (
                a.workload_name.as_str(),
                a.question_id.as_str(),
                a.risk.as_str(),
                a.selected.clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                "payments",
                "identities",
                "NONE",
                vec!["sec_identities_unique".to_string()]
            ),
            ("payments", "permissions", "HIGH", vec![]),
        ]
    );
    let log = log.lock().unwrap();
    let asked: Vec<&Value> = log
        .iter()
        .filter(|c| c.0 == "ListAnswers")
        .map(|c| &c.1)
        .collect();
    assert_eq!(asked.len(), 2);
    assert_eq!(asked[0]["PillarId"], "security");
    assert!(
        asked[0]["_path"].as_str().unwrap().starts_with(&format!(
            "/workloads/{WORKLOAD}/lensReviews/wellarchitected/answers"
        )),
        "{:?}",
        asked[0]
    );
    assert_eq!(asked[1]["NextToken"], "a2");
}

/// IAM's answers: bob holds AdministratorAccess himself, carol through the group `ops`,
/// dave only ReadOnlyAccess.
fn iam_answer(action: &str, name: &str) -> String {
    let policies = |list: &[&str]| {
        list.iter()
            .map(|p| format!("<member><PolicyName>{p}</PolicyName><PolicyArn>arn:aws:iam::aws:policy/{p}</PolicyArn></member>"))
            .collect::<String>()
    };
    let result = match (action, name) {
        ("ListAttachedUserPolicies", "bob") => {
            format!("<AttachedPolicies>{}</AttachedPolicies><IsTruncated>false</IsTruncated>", policies(&["AdministratorAccess"]))
        }
        ("ListAttachedUserPolicies", _) => {
            format!("<AttachedPolicies>{}</AttachedPolicies><IsTruncated>false</IsTruncated>", policies(&["ReadOnlyAccess"]))
        }
        ("ListGroupsForUser", "carol") => "<Groups><member><Path>/</Path><GroupName>ops</GroupName><GroupId>AGPAOPS</GroupId><Arn>arn:aws:iam::111111111111:group/ops</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate></member></Groups><IsTruncated>false</IsTruncated>".to_string(),
        ("ListGroupsForUser", _) => "<Groups/><IsTruncated>false</IsTruncated>".to_string(),
        ("ListAttachedGroupPolicies", _) => {
            format!("<AttachedPolicies>{}</AttachedPolicies><IsTruncated>false</IsTruncated>", policies(&["AdministratorAccess"]))
        }
        _ => String::new(),
    };
    format!(
        "<{action}Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
    )
}

#[tokio::test]
async fn console_users_with_an_administrator_policy_are_standing_admins() {
    let (f, log) = fake(false, false);
    let sdk = sdk(f).await;
    let user = |name: &str, password: bool| rampart::model::CredentialRecord {
        account_id: "111111111111".into(),
        user: name.into(),
        arn: format!("arn:aws:iam::111111111111:user/{name}"),
        is_root: false,
        user_creation_time: None,
        password_enabled: Some(password),
        password_last_used: None,
        password_last_changed: None,
        mfa_active: true,
        access_keys: vec![],
    };
    let report = vec![
        user("bob", true),
        user("carol", true),
        user("dave", true),
        // No console password: a machine user, not asked about.
        user("ci", false),
    ];
    let admins = rampart::source::aws::iam_admins::console_admins(
        &aws_sdk_iam::Client::new(&sdk),
        &Pacer::new(4),
        "111111111111",
        &report,
    )
    .await
    .unwrap();
    let seen: Vec<(&str, &str, Route)> = admins
        .iter()
        .map(|a| (a.principal.as_str(), a.via.as_str(), a.route))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("bob", "AdministratorAccess", Route::IamUser),
            ("carol", "ops/AdministratorAccess", Route::IamUser),
        ]
    );
    let asked: Vec<String> = log
        .lock()
        .unwrap()
        .iter()
        .map(|c| format!("{} {}", c.0, c.1["name"].as_str().unwrap_or("")))
        .collect();
    assert!(!asked.iter().any(|a| a.ends_with(" ci")), "{asked:?}");
    assert_eq!(
        asked
            .iter()
            .filter(|a| a.starts_with("ListAttachedGroupPolicies"))
            .count(),
        1
    );
}
