//! Rules from outside (SigmaHQ's, a team's directory) and the rule semantics real records
//! defeat: CIDR prefixes, console root use, made-public across services, caller codes.

use super::tests::*;
use super::*;
use crate::model::cloudtrail::parse_record;
use serde_json::json;
use serde_json::Value;

fn sigmahq_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/sigma/aws_cloudtrail")
}

/// SigmaHQ's 57 AWS CloudTrail rules load from a directory beside the built-in ones; the
/// ones that need a field of the raw record get it.
#[test]
fn the_sigmahq_cloudtrail_rules_load_and_fire() {
    let dir = sigmahq_dir();
    if !dir.exists() {
        eprintln!("skipped: {} is not present", dir.display());
        return;
    }
    let set = RuleSet::load(&[dir], &[]);
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    assert_eq!(set.rules().filter(|r| !r.builtin).count(), 57);
    assert_eq!(set.other_logsource, 0);
    let r = set.get("aws_cloudtrail_disable_logging").unwrap();
    assert_eq!(
        (r.level.as_str(), r.severity),
        ("medium", crate::model::Severity::Medium)
    );
    assert!(r.author.contains("vitaliy0x1"), "{}", r.author);
    assert!(!r.references.is_empty() && r.file.ends_with("aws_cloudtrail_disable_logging.yml"));
    let detector = Detector {
        rules: Arc::new(set),
        ..Detector::default()
    };
    let run = |e: TrailEvent| {
        let mut v = vec![e];
        detector.run(&mut v);
        v.remove(0).detections
    };
    let stop = event("StopLogging", user("a"), from("cloudtrail", json!({})));
    let fired = run(stop);
    assert!(fired.iter().any(|d| d == "cloudtrail-stopped"), "{fired:?}");
    assert!(
        fired.iter().any(|d| d == "aws_cloudtrail_disable_logging"),
        "{fired:?}"
    );
    // `requestParameters|contains: 'Suspended'` is written for a flattened record: the
    // object reads as its JSON text.
    let versioning = event(
        "PutBucketVersioning",
        user("a"),
        from(
            "s3",
            json!({"requestParameters": {"bucketName": "b", "VersioningConfiguration": {"Status": "Suspended"}}}),
        ),
    );
    assert!(run(versioning)
        .iter()
        .any(|d| d == "aws_disable_bucket_versioning"));
}

/// A team's rule directory: what does not load is named with its file and reason, the rest
/// run; a rule for another log source is counted; a team rule replaces a built-in one of
/// its id.
#[test]
fn a_rule_directory_names_what_does_not_load() {
    let dir = std::env::temp_dir().join(format!("rampart-rules-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    let head = "logsource: {product: aws, service: cloudtrail}\n";
    let files = [
        ("good.yml", format!("title: Good\n{head}detection:\n  s: {{eventName: CreateUser}}\n  condition: s\nlevel: low\n")),
        ("nested/also.yaml", format!("title: Also\n{head}detection:\n  s: {{eventName: DeleteUser}}\n  condition: s\n")),
        ("bad_modifier.yml", format!("title: Bad\n{head}detection:\n  s: {{eventName|nosuch: X}}\n  condition: s\n")),
        ("bad_condition.yml", format!("title: Worse\n{head}detection:\n  s: {{eventName: X}}\n  condition: s and missing\n")),
        ("not_yaml.yml", "title: [unclosed\n".to_string()),
        ("windows.yml", "title: Win\nlogsource: {product: windows, service: security}\ndetection:\n  s: {EventID: 4625}\n  condition: s\n".to_string()),
        ("orphan.yml", "title: Orphan\ncorrelation:\n  type: event_count\n  rules: [nowhere]\n  group-by: [sourceIPAddress]\n  timespan: 5m\n  condition: {gte: 3}\n".to_string()),
        ("unknown_field.yml", format!("title: Unknown\n{head}detection:\n  s: {{rampart.nosuch: true}}\n  condition: s\n")),
        ("bad_block.yml", format!("title: Block\n{head}detection:\n  s: {{eventName: X}}\n  condition: s\nrampart: {{fires_on: sometimes}}\n")),
        ("replace.yml", format!("title: Our own\n{head}detection:\n  s: {{eventName: StopLogging}}\n  condition: s\nlevel: low\nrampart: {{id: cloudtrail-stopped}}\n")),
        ("notes.txt", "not a rule".to_string()),
    ];
    for (name, text) in &files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let set = RuleSet::load(std::slice::from_ref(&dir), &[]);
    let named: Vec<String> = set
        .problems
        .iter()
        .map(|p| {
            let file = std::path::Path::new(&p.file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            format!("{file}: {}", p.reason)
        })
        .collect();
    let has = |file: &str, words: &str| {
        named
            .iter()
            .any(|n| n.starts_with(file) && n.contains(words))
    };
    assert!(has("bad_modifier.yml", "nosuch"), "{named:#?}");
    assert!(has("bad_condition.yml", "missing"), "{named:#?}");
    assert!(has("not_yaml.yml", ""), "{named:#?}");
    assert!(has("orphan.yml", "refers to rule `nowhere`"), "{named:#?}");
    assert!(has("unknown_field.yml", "rampart.nosuch"), "{named:#?}");
    assert!(
        has("bad_block.yml", "expected success, failure or any"),
        "{named:#?}"
    );
    assert_eq!(named.len(), 6, "{named:#?}");
    assert_eq!(set.other_logsource, 1);
    assert!(set.get("good").is_some() && set.get("also").is_some());
    let replaced = set.get("cloudtrail-stopped").unwrap();
    assert_eq!(
        (replaced.title.as_str(), replaced.builtin),
        ("Our own", false)
    );
    assert!(set.summary().contains("6 not loaded"), "{}", set.summary());
    let disabled = RuleSet::load(std::slice::from_ref(&dir), &["good".to_string()]);
    assert!(disabled.get("good").is_none() && disabled.disabled == 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The three semantics real data defeated (issue 16), each in the request shapes AWS
/// writes: a CIDR is open to the world by its prefix, in the legacy top-level form and
/// the current `ipPermissions` (IPv4 and IPv6) and the newer ModifySecurityGroupRules.
#[test]
fn open_to_the_world_is_judged_by_the_prefix_in_every_request_shape() {
    let sg = |name: &str, req: Value| {
        let mut e = event(
            name,
            user("a"),
            from("ec2", json!({ "requestParameters": req })),
        );
        e.event_id = format!("{name}-{}", req.to_string().len());
        detect_one(e)
            .iter()
            .any(|d| d == "security-group-open-to-world")
    };
    let legacy = |cidr: &str| json!({"groupId": "sg-0a1b2c3d", "ipPermissions": {}, "ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "cidrIp": cidr});
    let current = |key: &str, list: &str, cidr: &str| {
        json!({"groupId": "sg-0a1b2c3d", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
            "groups": {}, list: {"items": [{key: cidr}]}, "prefixListIds": {}}]}})
    };
    // Stratus' anonymised detonation turned 0.0.0.0/0 into 208.236.235.254/0.
    for cidr in [
        "0.0.0.0/0",
        "208.236.235.254/0",
        "035.249.253.232/0",
        "128.0.0.0/1",
    ] {
        assert!(
            sg("AuthorizeSecurityGroupIngress", legacy(cidr)),
            "legacy {cidr}"
        );
        assert!(
            sg(
                "AuthorizeSecurityGroupIngress",
                current("cidrIp", "ipRanges", cidr)
            ),
            "current {cidr}"
        );
    }
    for cidr in ["::/0", "2001:db8::/0"] {
        assert!(
            sg(
                "AuthorizeSecurityGroupIngress",
                current("cidrIpv6", "ipv6Ranges", cidr)
            ),
            "{cidr}"
        );
    }
    let rules = json!({"groupId": "sg-0a1b2c3d", "ModifySecurityGroupRulesRequest": {"SecurityGroupRule": {
        "SecurityGroupRuleId": "sgr-0123", "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "CidrIpv4": "0.0.0.0/0"}}}});
    assert!(sg("ModifySecurityGroupRules", rules));
    for near in [
        "10.0.0.0/8",
        "203.0.113.5/32",
        "0.0.0.0/8",
        "::/8",
        "0.0.0.0",
    ] {
        assert!(!sg("AuthorizeSecurityGroupIngress", legacy(near)), "{near}");
        assert!(
            !sg(
                "AuthorizeSecurityGroupIngress",
                current("cidrIp", "ipRanges", near)
            ),
            "{near}"
        );
    }
}

/// Root signing in to the console is recorded with `invokedBy: signin.amazonaws.com`: that
/// is the root user, not a service acting for it.
#[test]
fn root_through_the_console_is_root_activity_but_a_service_for_root_is_not() {
    let root = |invoked_by: Option<&str>| {
        let mut identity = json!({"type": "Root", "principalId": "111111111111",
            "arn": "arn:aws:iam::111111111111:root", "accountId": "111111111111"});
        if let Some(s) = invoked_by {
            identity["invokedBy"] = json!(s);
        }
        identity
    };
    let fires = |identity: Value, name: &str, source: &str, extra: Value| {
        let mut extra = extra;
        extra["eventSource"] = json!(source);
        detect_one(event(name, identity, extra))
            .iter()
            .any(|d| d == "root-activity")
    };
    let console_ok = json!({"responseElements": {"ConsoleLogin": "Success"},
        "additionalEventData": {"MFAUsed": "No", "LoginTo": "https://console.aws.amazon.com/console/home"}});
    assert!(fires(
        root(Some("signin.amazonaws.com")),
        "ConsoleLogin",
        "signin.amazonaws.com",
        console_ok.clone()
    ));
    assert!(fires(
        root(None),
        "ConsoleLogin",
        "signin.amazonaws.com",
        console_ok
    ));
    assert!(fires(
        root(None),
        "CreateAccessKey",
        "iam.amazonaws.com",
        json!({})
    ));
    assert!(!fires(
        root(Some("config.amazonaws.com")),
        "DescribeInstances",
        "ec2.amazonaws.com",
        json!({})
    ));
    assert!(!fires(
        root(Some("support.amazonaws.com")),
        "DescribeTrustedAdvisorChecks",
        "support.amazonaws.com",
        json!({})
    ));
    let failed = json!({"errorMessage": "Failed authentication", "responseElements": {"ConsoleLogin": "Failure"}});
    assert!(!fires(
        root(Some("signin.amazonaws.com")),
        "ConsoleLogin",
        "signin.amazonaws.com",
        failed
    ));
}

/// "Made public" is every resource policy that allows `*` without a condition, not only
/// S3's, in each service's own request shape (policy documents as JSON text).
#[test]
fn made_public_covers_every_resource_policy_service() {
    let open = r#"{"Version":"2012-10-17","Statement":[{"Sid":"x","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;
    let open_aws = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:SendMessage","Resource":"*"}]}"#;
    let narrowed = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}"#;
    let named = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"*","Resource":"*"}]}"#;
    #[allow(clippy::type_complexity)]
    let cases: Vec<(&str, &str, Box<dyn Fn(&str) -> Value>, &str)> = vec![
        (
            "ecr",
            "SetRepositoryPolicy",
            Box::new(|p| json!({"repositoryName": "app", "policyText": p})),
            "resource-made-public",
        ),
        (
            "sns",
            "SetTopicAttributes",
            Box::new(
                |p| json!({"topicArn": "arn:aws:sns:us-east-1:111111111111:t", "attributeName": "Policy", "attributeValue": p}),
            ),
            "resource-made-public",
        ),
        (
            "sqs",
            "SetQueueAttributes",
            Box::new(
                |p| json!({"queueUrl": "https://sqs.us-east-1.amazonaws.com/111111111111/q", "attributes": {"Policy": p}}),
            ),
            "resource-made-public",
        ),
        (
            "kms",
            "PutKeyPolicy",
            Box::new(|p| json!({"keyId": "k", "policyName": "default", "policy": p})),
            "resource-made-public",
        ),
        (
            "secretsmanager",
            "PutResourcePolicy",
            Box::new(|p| json!({"secretId": "s", "resourcePolicy": p})),
            "resource-made-public",
        ),
        (
            "glacier",
            "SetVaultAccessPolicy",
            Box::new(|p| json!({"vaultName": "v", "accountId": "-", "policy": {"policy": p}})),
            "resource-made-public",
        ),
        (
            "elasticfilesystem",
            "PutFileSystemPolicy",
            Box::new(|p| json!({"fileSystemId": "fs-1", "policy": p})),
            "resource-made-public",
        ),
        (
            "es",
            "UpdateDomainConfig",
            Box::new(|p| json!({"domainName": "d", "accessPolicies": p})),
            "resource-made-public",
        ),
        (
            "iam",
            "UpdateAssumeRolePolicy",
            Box::new(|p| json!({"roleName": "r", "policyDocument": p})),
            "resource-made-public",
        ),
        (
            "s3",
            "PutBucketPolicy",
            Box::new(
                |p| json!({"bucketName": "b", "bucketPolicy": serde_json::from_str::<Value>(p).unwrap()}),
            ),
            "bucket-made-public",
        ),
    ];
    for (service, name, request, rule) in &cases {
        let fires = |policy: &str| {
            let mut e = event(
                name,
                user("a"),
                from(service, json!({"requestParameters": request(policy)})),
            );
            e.event_id = format!("{name}-{}", policy.len());
            detect_one(e).iter().any(|d| d == rule)
        };
        assert!(fires(open), "{name} with Principal *");
        assert!(fires(open_aws), "{name} with Principal AWS *");
        assert!(!fires(narrowed), "{name} narrowed by a condition");
        assert!(!fires(named), "{name} for a named account");
    }
    let lambda = |req: Value| {
        let e = event(
            "AddPermission20150331v2",
            user("a"),
            from("lambda", json!({"requestParameters": req})),
        );
        detect_one(e).iter().any(|d| d == "lambda-made-public")
    };
    assert!(lambda(
        json!({"functionName": "f", "statementId": "backdoor", "action": "lambda:InvokeFunction", "principal": "*"})
    ));
    assert!(!lambda(
        json!({"functionName": "f", "statementId": "s3", "action": "lambda:InvokeFunction", "principal": "s3.amazonaws.com", "sourceArn": "arn:aws:s3:::b"})
    ));
    assert!(!lambda(
        json!({"functionName": "f", "statementId": "x", "action": "lambda:InvokeFunction", "principal": "*", "sourceAccount": "111111111111"})
    ));
    let ami = |items: Value| {
        let e = event(
            "ModifyImageAttribute",
            user("a"),
            from(
                "ec2",
                json!({"requestParameters": {
            "imageId": "ami-0a1b2c3d", "attributeType": "launchPermission", "launchPermission": {"add": {"items": items}}}}),
            ),
        );
        detect_one(e)
    };
    assert!(ami(json!([{"group": "all"}]))
        .iter()
        .any(|d| d == "ami-made-public"));
    assert!(ami(json!([{"userId": "999988887777"}]))
        .iter()
        .any(|d| d == "ami-shared-with-account"));
    assert!(ami(json!([])).is_empty());
}

/// Every record of every built-in rule's cases and of the real attack dataset, then
/// (from the index returned) shapes a parser or a shortcut could misread.
fn every_case_and_odd_shape() -> (Vec<Value>, usize) {
    let mut records: Vec<Value> = Vec::new();
    for rule in RuleSet::builtin().rules() {
        let Some(text) = rules::cases(&rule.id) else {
            continue;
        };
        let v: Value = serde_json::from_str(text).unwrap();
        for key in ["fires", "quiet"] {
            for r in v[key].as_array().into_iter().flatten() {
                match r {
                    Value::Array(batch) => records.extend(batch.iter().cloned()),
                    one => records.push(one.clone()),
                }
            }
        }
    }
    let real = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/real/cloudtrail/invictus-aws_dataset"
    ));
    for entry in std::fs::read_dir(real).into_iter().flatten() {
        let v: Value =
            serde_json::from_slice(&std::fs::read(entry.unwrap().path()).unwrap()).unwrap();
        records.extend(v["Records"].as_array().into_iter().flatten().cloned());
    }
    // Shapes the codes must not misread: a flattened identity, odd types, a new word.
    let first_odd = records.len();
    records.push(
        json!({"eventName": "ListBuckets", "eventTime": "2026-11-22T10:00:00Z",
        "userIdentity.type": "Root", "eventType": "AwsApiCall"}),
    );
    records.push(
        json!({"eventName": "ListBuckets", "eventTime": "2026-11-22T10:00:00Z",
        "userIdentity": {"type": 7}, "eventType": null}),
    );
    records.push(json!({"eventName": "ListBuckets", "eventTime": "2026-11-22T10:00:00Z",
        "userIdentity": {"type": "AssumedRole", "sessionContext": {"sessionIssuer": {"type": "Role"}}},
        "eventType": "AwsSomethingNew"}));
    // errorCode as a number, a null, flattened; a failed sign-in with none; a null type.
    for extra in [
        json!({"errorCode": 403}),
        json!({"errorCode": null, "eventType": null}),
        json!({"errorCode.x": "AccessDenied"}),
        json!({"eventName": "ConsoleLogin", "errorMessage": "Failed authentication",
            "responseElements": {"ConsoleLogin": "Failure"}}),
    ] {
        let mut r = json!({"eventName": "DeleteBucket", "eventTime": "2026-11-22T10:00:00Z",
            "recipientAccountId": "111111111111",
            "userIdentity": {"type": "IAMUser", "accountId": "111111111111", "userName": "a"}});
        r.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        records.push(r);
    }
    // A caller from another account: with an identity read, one whose type is a number,
    // one with no type, one with the account a number, and AWS itself.
    for identity in [
        json!({"type": "AssumedRole", "accountId": "999999999999", "arn": "arn:aws:sts::999999999999:assumed-role/x/y"}),
        json!({"type": 7, "accountId": "999999999999"}),
        json!({"accountId": "999999999999"}),
        json!({"type": "AssumedRole", "accountId": 999999999999u64}),
        json!({"type": "AWSService", "accountId": "999999999999"}),
        // A session context or issuer that is not an object: a string is none (the record
        // used to be dropped), an array is walked by a lookup, element by element.
        json!({"type": "AssumedRole", "accountId": "999999999999", "sessionContext": "odd"}),
        json!({"type": "AssumedRole", "sessionContext": [{"sessionIssuer": {"type": "Role"}}]}),
        json!({"type": "AssumedRole", "sessionContext": [{"type": "Role"}]}),
        json!({"type": "AssumedRole", "sessionContext": {"sessionIssuer": ["app", "Role"]}}),
        json!({"type": "AssumedRole", "sessionContext": {"sessionIssuer": "Role"}}),
    ] {
        records.push(
            json!({"eventName": "AssumeRole", "eventTime": "2026-11-22T10:00:00Z",
            "eventSource": "sts.amazonaws.com", "recipientAccountId": "111111111111",
            "userIdentity": identity}),
        );
    }
    assert!(records.len() > 500, "{} records", records.len());
    (records, first_odd)
}

/// The caller codes kept beside the columns are a shortcut, never a different answer:
/// every record of every built-in rule's cases and of the real attack dataset, judged by
/// the built-in and SigmaHQ rules, fires the same with the codes as with every question
/// sent to the record; and routine events are judged without decoding a record.
#[test]
fn caller_codes_answer_as_the_record_would_and_spare_the_decoding() {
    let mut dirs = Vec::new();
    if sigmahq_dir().exists() {
        dirs.push(sigmahq_dir());
    }
    let detector = Detector {
        rules: Arc::new(RuleSet::load(&dirs, &[])),
        ..Detector::default()
    };
    let (records, first_odd) = every_case_and_odd_shape();
    let odd_shapes = &records[first_odd..];
    assert!(
        odd_shapes.iter().all(|r| parse_record(r).is_ok()),
        "every odd shape is read, not dropped"
    );
    let mut coded: Vec<TrailEvent> = records
        .iter()
        .filter_map(|r| parse_record(r).ok())
        .collect();
    let mut asked = coded.clone();
    for e in &mut asked {
        e.kind = Default::default();
    }
    detector.run(&mut coded);
    let cost = detector.run_counted(&mut asked);
    let fired: usize = coded.iter().map(|e| e.detections.len()).sum();
    assert!(fired > 100, "{fired} detections");
    for (a, b) in coded.iter().zip(&asked) {
        assert_eq!(a.detections, b.detections, "{}", a.event_id);
    }
    // Field by field as well: a user's rule may ask what no rule here does.
    let inside = std::collections::HashSet::new();
    let whole = super::projection::Projection::default();
    for (a, b) in coded.iter().zip(&asked) {
        use rsigma_eval::Event;
        let (coded_view, asked_view) = (
            super::view::View::new(a, &inside, &detector.rules.projection),
            super::view::View::new(b, &inside, &whole),
        );
        for path in [
            "errorCode",
            "eventType",
            "userIdentity.type",
            "userIdentity.sessionContext.sessionIssuer.type",
            "rampart.caller_outside",
        ] {
            assert_eq!(
                coded_view.get_field(path),
                asked_view.get_field(path),
                "{path} of {}",
                a.event_id
            );
        }
    }
    assert!(cost.decoded > 0);

    // Routine calls of people, roles and services, as the demo and most trails hold: some
    // throttled, some a role assumed within the account.
    let names = [
        "DescribeInstances",
        "GetObject",
        "ListBuckets",
        "Decrypt",
        "PutMetricData",
        "AssumeRole",
    ];
    let identities = [
        user("alice"),
        json!({"type": "AssumedRole", "arn": "arn:aws:sts::111111111111:assumed-role/app/i-0abc",
            "accountId": "111111111111",
            "sessionContext": {"sessionIssuer": {"type": "Role", "userName": "app"}}}),
        json!({"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}),
    ];
    let mut routine: Vec<TrailEvent> = (0..2_000)
        .map(|i| {
            let name = names[i % names.len()];
            let mut extra = json!({"eventType": "AwsApiCall", "eventSource": "ec2.amazonaws.com",
                "sourceIPAddress": "10.0.0.5"});
            if name == "AssumeRole" {
                extra["eventSource"] = json!("sts.amazonaws.com");
            }
            if i % 4 == 0 {
                extra["errorCode"] = json!("ThrottlingException");
            }
            let mut e = event(name, identities[i % identities.len()].clone(), extra);
            e.event_id = format!("routine-{i}");
            e
        })
        .collect();
    let cost = detector.run_counted(&mut routine);
    assert!(
        cost.decoded * 20 < routine.len() as u64,
        "{} of {} routine records decoded",
        cost.decoded,
        routine.len()
    );
}

/// A record decoded into the keys the rules read answers every rule and every field
/// they ask as the whole record does: the built-in and SigmaHQ rules over every case, the
/// real attack dataset, odd shapes, and records whose keys repeat, are spelled with an
/// escape, or hold a lone surrogate in a part read past or in a part kept.
#[test]
fn the_parts_the_rules_read_answer_as_the_whole_record() {
    let mut dirs = Vec::new();
    if sigmahq_dir().exists() {
        dirs.push(sigmahq_dir());
    }
    let part = Arc::new(RuleSet::load(&dirs, &[]));
    let mut whole = RuleSet::load(&dirs, &[]);
    whole.projection = Default::default();
    let whole = Arc::new(whole);
    let (records, _) = every_case_and_odd_shape();
    let mut events: Vec<TrailEvent> = records
        .iter()
        .filter_map(|r| parse_record(r).ok())
        .collect();
    let head = r#""eventTime":"2026-11-22T10:00:00Z","eventSource":"s3.amazonaws.com","recipientAccountId":"111111111111","userIdentity":{"type":"IAMUser","accountId":"111111111111","userName":"mallory"}"#;
    for (id, rest) in [
        (
            "dup",
            r#""eventName":"PutBucketPolicy","requestParameters":{"bucketName":"a"},"requestParameters":{"bucketName":"b","bucketPolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}}"#,
        ),
        (
            "escaped",
            r#""eventName":"PutBucketPolicy","request\u0050arameters":{"bucketName":"b","bucketPolicy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"}"#,
        ),
        (
            "flat",
            r#""eventName":"StopLogging","requestParameters.name":"trail","requestParameters":{"name":"other"}"#,
        ),
        (
            "skipped-surrogate",
            r#""eventName":"DeleteTrail","responseElements":{"note":"\udc00"},"requestParameters":{"name":"t"}"#,
        ),
        (
            "kept-surrogate",
            r#""eventName":"DeleteTrail","requestParameters":{"name":"\udc00t"}"#,
        ),
        (
            "array",
            r#""eventName":"AuthorizeSecurityGroupIngress","requestParameters":{"ipPermissions":{"items":[{"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]}},{"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}"#,
        ),
    ] {
        let bytes = format!(r#"{{"eventID":"{id}",{head},{rest}}}"#);
        events.push(crate::model::cloudtrail::parse_bytes(bytes.as_bytes()).expect(id));
    }
    let (mut by_part, mut by_whole) = (events.clone(), events);
    let judge = |rules: &Arc<RuleSet>, events: &mut [TrailEvent]| {
        Detector {
            rules: rules.clone(),
            ..Detector::default()
        }
        .run_counted(events)
    };
    let cost = judge(&part, &mut by_part);
    judge(&whole, &mut by_whole);
    let fired: usize = by_part.iter().map(|e| e.detections.len()).sum();
    assert!(fired > 100 && cost.decoded > 100, "{fired} fired, {cost:?}");
    for (a, b) in by_part.iter().zip(&by_whole) {
        assert_eq!(a.detections, b.detections, "{}", a.event_id);
    }
    let mut paths: Vec<String> = part.projection.paths().map(String::from).collect();
    assert!(paths.len() > 20, "{paths:?}");
    paths.extend(derived::FIELDS.iter().map(|f| format!("rampart.{f}")));
    let inside = std::collections::HashSet::new();
    for e in &by_part {
        use rsigma_eval::Event;
        let b = super::view::View::new(e, &inside, &whole.projection);
        // Each question on its own, decoding its part; and all in turn on one event, each
        // part holding the keys of those before, until the whole record is read.
        let a = super::view::View::new(e, &inside, &part.projection);
        for path in &paths {
            let alone = super::view::View::new(e, &inside, &part.projection);
            let want = b.get_field(path);
            assert_eq!(alone.get_field(path), want, "{path} of {}", e.event_id);
            assert_eq!(a.get_field(path), want, "{path} of {}", e.event_id);
        }
    }
}

/// A record the parser reads but whose characters serde refuses (a lone surrogate, a
/// stray byte) is decoded lossily, so the codes and the record still agree, and a rule
/// on its request still fires.
#[test]
fn a_record_with_a_lone_surrogate_is_judged_on_its_request() {
    let bytes = b"{\"eventID\":\"s2\",\"eventName\":\"PutBucketPolicy\",\"eventSource\":\"s3.amazonaws.com\",\"eventTime\":\"2026-11-22T10:00:00Z\",\"recipientAccountId\":\"111111111111\",\"userIdentity\":{\"type\":\"IAMUser\",\"accountId\":\"111111111111\",\"userName\":\"mallory\"},\"errorCode\":\"AccessDenied\",\"requestParameters\":{\"note\":\"\\udc00\",\"bucketName\":\"b\"}}";
    let coded = crate::model::cloudtrail::parse_bytes(bytes).unwrap();
    let mut asked = coded.clone();
    asked.kind = Default::default();
    let inside = std::collections::HashSet::new();
    use rsigma_eval::Event;
    let (builtin, whole) = (RuleSet::builtin(), super::projection::Projection::default());
    let (a, b) = (
        super::view::View::new(&coded, &inside, &builtin.projection),
        super::view::View::new(&asked, &inside, &whole),
    );
    for path in [
        "errorCode",
        "requestParameters.bucketName",
        "userIdentity.type",
    ] {
        assert_eq!(a.get_field(path), b.get_field(path), "{path}");
        assert!(b.get_field(path).is_some(), "{path} read from the record");
    }
}
