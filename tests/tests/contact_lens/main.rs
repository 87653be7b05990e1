//! The Contact Lens import end to end: the real state machine on the engine, S3 on moto, the
//! Connect emulator and the Salesforce emulator over HTTP through the production adapters, and
//! the post-call workflow beside it on the same S3 and org.

mod redrive;
mod template;

use serde_json::{Value, json};
use tests::contact_lens_world::*;

fn field<'a>(record: &'a Value, name: &str) -> &'a Value {
    &record[format!("amazonconnect__{name}")]
}

/// Words of the fixture call that a redacting flow masks.
const PERSONAL_DATA: [&str; 3] = ["4719208", "Priya", "$84"];

/// The fixture voice analysis as Contact Lens redacts it: the personal data in every turn
/// replaced by `[PII]` (the shared fixture is the original).
fn redacted_voice_analysis() -> Vec<u8> {
    let mut analysis = fixture_json("analysis-voice.json");
    analysis["ContentMetadata"]["Output"] = json!("Redacted");
    for turn in analysis["Transcript"].as_array_mut().expect("turns") {
        let content = turn["Content"].as_str().expect("content").to_string();
        turn["Content"] = json!(
            PERSONAL_DATA
                .iter()
                .fold(content, |text, word| text.replace(word, "[PII]"))
        );
    }
    serde_json::to_vec(&analysis).expect("JSON")
}

fn assert_redacted(what: &str, text: &str) {
    assert!(text.contains("it's [PII]."), "{what}: {text}");
    for word in PERSONAL_DATA {
        assert!(!text.contains(word), "{what} has {word}: {text}");
    }
}

/// The contact's one CCA holds the redacted transcript only: its full text and its one
/// attachment.
fn assert_only_the_redacted_transcript(world: &ContactLensWorld) {
    use base64::Engine as _;

    let ccas = world.ccas(VOICE_CONTACT);
    assert_eq!(ccas.len(), 1);
    assert_redacted(
        "ContactLensTranscriptsFullText__c",
        field(&ccas[0], "ContactLensTranscriptsFullText__c")
            .as_str()
            .expect("text"),
    );
    let attachments = world.attachments(ccas[0]["Id"].as_str().expect("id"));
    assert_eq!(attachments.len(), 1, "exactly one attachment");
    assert_eq!(attachments[0]["Name"], "ContactLensTranscripts.json");
    let body = base64::engine::general_purpose::STANDARD
        .decode(attachments[0]["Body"].as_str().expect("base64 body"))
        .expect("base64");
    assert_redacted(
        "ContactLensTranscripts.json",
        &String::from_utf8(body).expect("UTF-8"),
    );
}

/// When each state of `result` was entered, by name.
fn entered(
    result: &step_functions_engine::ExecutionResult,
) -> Vec<(String, chrono::DateTime<chrono::Utc>)> {
    result
        .history
        .iter()
        .filter(|event| event.event_type.is_state_entered())
        .filter_map(|event| Some((event.details.name.clone()?, event.timestamp)))
        .collect()
}

#[tokio::test]
async fn a_voice_analysis_writes_every_field_on_the_post_call_cca_once() {
    let world = ContactLensWorld::start().await;
    let cca_id = world.post_call_voice_contact().await;
    let recording_path = field(&world.ccas(VOICE_CONTACT)[0], "RecordingPath__c").clone();
    world.put(VOICE_KEY, fixture("analysis-voice.json")).await;

    // The shipped S3 notification: its key is URL-encoded (14%3A23%3A18Z).
    let event: Value = serde_json::from_slice(
        &std::fs::read(test_harness::shared_dir().join("fixtures/s3/event-contact-lens.json"))
            .expect("shared fixture"),
    )
    .expect("JSON");
    let first = output(&world.import(event.clone(), "contact-lens-1").await);
    assert_eq!(first["key"], VOICE_KEY, "%3A decoded");
    assert_eq!(first["imported"]["ccaId"], json!(cca_id), "{first}");
    assert_eq!(first["imported"]["ccaCreated"], false);

    let ccas = world.ccas(VOICE_CONTACT);
    assert_eq!(
        ccas.len(),
        1,
        "the post-call CCA was updated, not a second one made"
    );
    let cca = &ccas[0];
    for (name, value) in [
        ("ContactLensCustomerSentiment__c", json!(1.1)),
        ("ContactLensAgentSentiment__c", json!(2.7)),
        ("ContactLensInterruptions__c", json!(1)),
        ("ContactLensNonTalkTime__c", json!(15100)),
        ("ContactLensTalkSpeedCustomer__c", json!(113)),
        ("ContactLensTalkSpeedAgent__c", json!(149)),
        ("ContactLensTalkTimeTotal__c", json!(44930)),
        ("ContactLensTalkTimeCustomer__c", json!(15950)),
        ("ContactLensTalkTimeAgent__c", json!(28980)),
        (
            "ContactLensMatchedCategories__c",
            json!("billing-duplicate-charge|customer-placed-on-hold"),
        ),
        ("ContactLensCustomerSentimentCurve__c", json!("S")),
        ("DataSource__c", json!("Contact_Lens")),
    ] {
        assert_eq!(
            field(cca, name)
                .as_f64()
                .map(Value::from)
                .unwrap_or(field(cca, name).clone()),
            value.as_f64().map(Value::from).unwrap_or(value.clone()),
            "{name}"
        );
    }
    let interruptions: Value = serde_json::from_str(
        field(cca, "ContactLensAgentInterruptions__c")
            .as_str()
            .expect("JSON text"),
    )
    .expect("JSON");
    assert_eq!(interruptions[0]["DurationMillis"], 200);
    assert!(field(cca, "ContactLensCustomerInterruptions__c").is_null());
    let details: Value = serde_json::from_str(
        field(cca, "ContactLensMatchedDetails__c")
            .as_str()
            .expect("JSON text"),
    )
    .expect("JSON");
    assert_eq!(
        details["billing-duplicate-charge"]["PointsOfInterest"][0]["EndOffsetMillis"],
        10400
    );
    let text = field(cca, "ContactLensTranscriptsFullText__c")
        .as_str()
        .expect("text");
    assert!(
        text.contains("I was billed twice for my February gas bill"),
        "{text}"
    );
    assert_eq!(
        field(cca, "RecordingPath__c"),
        &recording_path,
        "the contact imports no redacted recording: post-call's path stays"
    );
    let names: Vec<String> = world
        .attachments(&cca_id)
        .iter()
        .filter_map(|attachment| attachment["Name"].as_str().map(str::to_string))
        .collect();
    assert_eq!(names, ["ContactLensTranscripts.json"]);

    // The same file again (redelivery, a console re-run): nothing new, not one Salesforce call.
    let calls = world.salesforce_calls();
    let again = output(&world.import(event, "contact-lens-2").await);
    assert_eq!(again["imported"]["alreadyImported"], true, "{again}");
    assert_eq!(world.salesforce_calls(), calls);
    assert_eq!(world.ccas(VOICE_CONTACT).len(), 1);
    assert_eq!(world.attachments(&cca_id).len(), 1);
}

#[tokio::test]
async fn the_redacted_recording_path_comes_from_the_key_and_the_cca_is_created_once() {
    let world = ContactLensWorld::start().await;
    world.connect.control().set_contact_attributes(
        VOICE_CONTACT,
        [
            ("contactLensImportEnabled", "true"),
            ("postcallRedactedRecordingImportEnabled", "true"),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect(),
    );
    world
        .put(REDACTED_VOICE_KEY, fixture("analysis-voice.json"))
        .await;
    world.put(VOICE_KEY, fixture("analysis-voice.json")).await;

    let redacted = output(
        &world
            .import(object_created(REDACTED_VOICE_KEY), "contact-lens-redacted")
            .await,
    );
    assert_eq!(redacted["redactedRecordingImport"], true);
    assert_eq!(
        redacted["imported"]["ccaCreated"], true,
        "no post-call CCA: created"
    );
    let ccas = world.ccas(VOICE_CONTACT);
    assert_eq!(ccas.len(), 1);
    assert_eq!(
        field(&ccas[0], "RecordingPath__c"),
        &json!(format!(
            "{BUCKET}/Analysis/Voice/Redacted/2024/03/05/{VOICE_CONTACT}_call_recording_redacted_2024-03-05T14:23:18Z.wav"
        ))
    );
    assert_eq!(field(&ccas[0], "DataSource__c"), "Contact_Lens");
    assert_eq!(
        field(&ccas[0], "InstanceId__c"),
        "5f0c8a2e-3b71-4d9a-a6e4-2c9b81d07f35"
    );

    // The original analysis of the same call lands too: the contact is imported already.
    let original = output(
        &world
            .import(object_created(VOICE_KEY), "contact-lens-original")
            .await,
    );
    assert_eq!(original["imported"]["alreadyImported"], true, "{original}");
    assert_eq!(original["imported"]["importedKey"], REDACTED_VOICE_KEY);
    let ccas = world.ccas(VOICE_CONTACT);
    assert_eq!(ccas.len(), 1);
    let id = ccas[0]["Id"].as_str().expect("id");
    assert_eq!(world.attachments(id).len(), 1);

    // The post-call workflow arriving afterwards finds this CCA through the marker.
    let switches = post_call::PackageSwitches {
        transcribe_enabled: false,
        ..test_harness::fixtures::all_switches()
    };
    world
        .post_call
        .deliver(&[test_harness::fixtures::voice_ctr()], &switches)
        .await;
    assert_eq!(world.ccas(VOICE_CONTACT).len(), 1, "still one CCA");
}

#[tokio::test]
async fn a_chat_analysis_writes_only_the_fields_a_chat_has() {
    let world = ContactLensWorld::start().await;
    world.put(CHAT_KEY, fixture("analysis-chat.json")).await;
    let out = output(
        &world
            .import(
                fixture_json("eventbridge-chat-analysis.json"),
                "contact-lens-chat",
            )
            .await,
    );
    assert_eq!(out["file"]["kind"], "chatAnalysis");
    let ccas = world.ccas(CHAT_CONTACT);
    assert_eq!(ccas.len(), 1);
    let cca = &ccas[0];
    assert_eq!(
        field(cca, "ContactLensCustomerSentiment__c").as_f64(),
        Some(0.6)
    );
    assert_eq!(
        field(cca, "ContactLensAgentSentiment__c").as_f64(),
        Some(1.4)
    );
    assert_eq!(
        field(cca, "ContactLensMatchedCategories__c"),
        "agent-intro|billing-question"
    );
    assert_eq!(field(cca, "DataSource__c"), "Contact_Lens");
    assert!(
        field(cca, "ContactLensTranscriptsFullText__c")
            .as_str()
            .is_some_and(|text| text.starts_with("Hi, this is Priya from Northwind."))
    );
    for voice_only in [
        "ContactLensInterruptions__c",
        "ContactLensAgentInterruptions__c",
        "ContactLensCustomerInterruptions__c",
        "ContactLensNonTalkTime__c",
        "ContactLensTalkSpeedCustomer__c",
        "ContactLensTalkSpeedAgent__c",
        "ContactLensTalkTimeTotal__c",
        "ContactLensTalkTimeCustomer__c",
        "ContactLensTalkTimeAgent__c",
        "ContactLensCustomerSentimentCurve__c",
        "RecordingPath__c",
    ] {
        assert!(
            field(cca, voice_only).is_null(),
            "{voice_only}: {}",
            field(cca, voice_only)
        );
    }

    // The same file named by an EventBridge key percent-encoded (15%3A03%3A39Z): decoded, the
    // same file, already imported.
    let again = output(
        &world
            .import(
                object_created(&CHAT_KEY.replace(':', "%3A")),
                "contact-lens-chat-encoded",
            )
            .await,
    );
    assert_eq!(again["key"], CHAT_KEY, "%3A decoded");
    assert_eq!(again["imported"]["alreadyImported"], true, "{again}");
    assert_eq!(world.ccas(CHAT_CONTACT).len(), 1);
}

#[tokio::test]
async fn a_foreign_instance_s_file_is_skipped_before_any_connect_or_salesforce_call() {
    let world = ContactLensWorld::start().await;
    let mut analysis = fixture_json("analysis-voice.json");
    analysis["CustomerMetadata"]["InstanceId"] = json!("0b4a7c1e-2f63-4d58-9e17-a3c6d9f2b840");
    world
        .put(VOICE_KEY, serde_json::to_vec(&analysis).expect("JSON"))
        .await;
    let calls = world.salesforce_calls();
    let out = output(
        &world
            .import(object_created(VOICE_KEY), "contact-lens-foreign")
            .await,
    );
    assert_eq!(out["import"], false);
    assert_eq!(out["skipped"], "foreignInstance");
    assert!(out.get("imported").is_none(), "the import never ran");
    assert_eq!(world.contact_attribute_reads(), 0, "no Connect call");
    assert_eq!(world.salesforce_calls(), calls, "no Salesforce call");
    assert!(world.ccas(VOICE_CONTACT).is_empty());
}

#[tokio::test]
async fn with_the_package_switch_off_every_file_is_skipped_and_nothing_written() {
    let world = ContactLensWorld::start_with(|settings| settings.import_enabled = false).await;
    world.put(VOICE_KEY, fixture("analysis-voice.json")).await;
    world
        .put(TRANSCRIPT_KEY, fixture("chat-transcript.json"))
        .await;
    for key in [VOICE_KEY, TRANSCRIPT_KEY] {
        let out = output(&world.import(object_created(key), "contact-lens-off").await);
        assert_eq!(out["skipped"], "importDisabled", "{key}");
    }
    assert_eq!(world.contact_attribute_reads(), 0);
    assert!(world.ccas(VOICE_CONTACT).is_empty() && world.ccas(CHAT_CONTACT).is_empty());
}

#[tokio::test]
async fn a_contact_without_the_attribute_is_skipped_and_nothing_written() {
    let world = ContactLensWorld::start().await;
    world.connect.control().set_contact_attributes(
        VOICE_CONTACT,
        [("contactLensImportEnabled".to_string(), "false".to_string())].into(),
    );
    world.connect.control().set_contact_attributes(
        CHAT_CONTACT,
        [("contactLensImportEnabled".to_string(), "true".to_string())].into(),
    );
    world.put(VOICE_KEY, fixture("analysis-voice.json")).await;
    world
        .put(TRANSCRIPT_KEY, fixture("chat-transcript.json"))
        .await;
    let calls = world.salesforce_calls();
    for key in [VOICE_KEY, TRANSCRIPT_KEY] {
        let out = output(
            &world
                .import(object_created(key), "contact-lens-attribute")
                .await,
        );
        assert_eq!(out["skipped"], "contactNotEnabled", "{key}: {out}");
    }
    assert_eq!(world.contact_attribute_reads(), 2);
    assert_eq!(world.salesforce_calls(), calls);
    assert!(world.ccas(VOICE_CONTACT).is_empty() && world.ccas(CHAT_CONTACT).is_empty());
}

#[tokio::test]
async fn a_chat_s_analysis_and_transcript_at_once_make_one_cca_and_each_attachment_once() {
    let world = ContactLensWorld::start().await;
    world.put(CHAT_KEY, fixture("analysis-chat.json")).await;
    world
        .put(TRANSCRIPT_KEY, fixture("chat-transcript.json"))
        .await;
    let (analysis, transcript) = tokio::join!(
        world.import(
            fixture_json("eventbridge-chat-analysis.json"),
            "contact-lens-a"
        ),
        world.import(
            fixture_json("eventbridge-chat-transcript.json"),
            "contact-lens-t"
        ),
    );
    output(&analysis);
    let transcript = output(&transcript);
    assert_eq!(transcript["file"]["kind"], "chatTranscript");
    let ccas = world.ccas(CHAT_CONTACT);
    assert_eq!(ccas.len(), 1, "created exactly once under the marker");
    let id = ccas[0]["Id"].as_str().expect("id").to_string();

    // The transcript delivered again: attached once.
    let again = output(
        &world
            .import(
                fixture_json("eventbridge-chat-transcript.json"),
                "contact-lens-t2",
            )
            .await,
    );
    assert_eq!(again["imported"]["alreadyImported"], true);
    let mut names: Vec<String> = world
        .attachments(&id)
        .iter()
        .filter_map(|attachment| attachment["Name"].as_str().map(str::to_string))
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["ChatTranscript.json", "ContactLensTranscripts.json"]
    );
    let marker = world
        .transcript_object(&format!("locks/{CHAT_CONTACT}.lock"))
        .await
        .expect("the contact's marker");
    assert!(
        String::from_utf8_lossy(&marker).contains(&id),
        "the marker names the CCA"
    );
}

#[tokio::test]
async fn the_connect_adapter_reads_a_contact_s_attributes_and_types_connect_s_errors() {
    use aws_adapters::ConnectMetricsClient;
    use connect_emulator::Fault;
    use connect_metrics::ports::ConnectError;
    use contact_lens::ports::ContactAttributes;

    let seed = connect_emulator::Seed::demo();
    let instance = seed.instance_id.clone();
    let connect = connect_emulator::start_local(seed).await.expect("emulator");
    let aws = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-west-2"))
        .endpoint_url(connect.base_url())
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "t", "t", None, None, "test",
        ))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .load()
        .await;
    let client = ConnectMetricsClient::from_config(&aws);
    let attributes = client
        .contact_attributes(&instance, VOICE_CONTACT)
        .await
        .expect("the fixture contact");
    assert_eq!(
        attributes
            .get("contactLensImportEnabled")
            .map(String::as_str),
        Some("true")
    );

    let unknown = client
        .contact_attributes(&instance, "nobody")
        .await
        .unwrap_err();
    assert!(
        matches!(&unknown, ConnectError::Rejected { code, operation: "GetContactAttributes", .. } if code == "ResourceNotFoundException"),
        "{unknown:?}"
    );
    connect
        .control()
        .inject_fault(Fault::throttle().on_operation("GetContactAttributes"));
    let throttled = client
        .contact_attributes(&instance, VOICE_CONTACT)
        .await
        .unwrap_err();
    assert!(
        matches!(throttled, ConnectError::Throttled { .. }),
        "{throttled:?}"
    );
    assert!(throttled.is_retryable());
    connect.control().clear_faults();
    connect
        .control()
        .inject_fault(Fault::server_error(503).on_operation("GetContactAttributes"));
    let down = client
        .contact_attributes(&instance, VOICE_CONTACT)
        .await
        .unwrap_err();
    assert!(matches!(down, ConnectError::Unavailable { .. }), "{down:?}");
}

#[tokio::test]
async fn a_redacted_analysis_landing_during_the_original_s_grace_is_the_one_imported() {
    let world = ContactLensWorld::start().await;
    world.put(VOICE_KEY, fixture("analysis-voice.json")).await;
    let clock = world.engine.clock();
    let started = clock.now();
    let wall = std::time::Instant::now();
    // Contact Lens writes the redacted variant 30 s (virtual) after the original's event.
    let landing = async {
        clock
            .sleep_until(started + chrono::Duration::seconds(30))
            .await;
        clock.work_started();
        world
            .put(REDACTED_VOICE_KEY, redacted_voice_analysis())
            .await;
        clock.work_finished();
        clock.now()
    };
    let (original, landed_at) = tokio::join!(
        world.import(object_created(VOICE_KEY), "contact-lens-original"),
        landing
    );
    assert!(
        wall.elapsed() < std::time::Duration::from_secs(30),
        "the grace is virtual time: {:?}",
        wall.elapsed()
    );
    let states = entered(&original);
    let names: Vec<&str> = states.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "CheckContactLensFile",
            "ShouldImport",
            "WaitForRedactedVariant",
            "ImportContactLensFile"
        ]
    );
    let (waited, imported) = (states[2].1, states[3].1);
    assert!(
        waited < landed_at && landed_at < imported,
        "{states:?} {landed_at}"
    );
    assert_eq!((imported - waited).num_seconds(), 60, "the grace");
    let out = output(&original);
    assert_eq!(out["waitForRedactedVariant"], true);
    assert_eq!(out["imported"]["variant"], "redacted", "{out}");
    assert_eq!(out["imported"]["importedKey"], REDACTED_VOICE_KEY);
    assert_only_the_redacted_transcript(&world);

    // The redacted file's own execution: straight to the import, which writes nothing.
    let calls = world.salesforce_calls();
    let redacted = world
        .import(object_created(REDACTED_VOICE_KEY), "contact-lens-redacted")
        .await;
    assert!(
        !entered(&redacted)
            .iter()
            .any(|(name, _)| name == "WaitForRedactedVariant"),
        "a redacted analysis does not wait"
    );
    let out = output(&redacted);
    assert_eq!(out["imported"]["alreadyImported"], true, "{out}");
    assert_eq!(world.salesforce_calls(), calls, "not one Salesforce call");
    assert_only_the_redacted_transcript(&world);
    let claim: Value = serde_json::from_slice(
        &world
            .transcript_object(&format!("locks/{VOICE_CONTACT}.contact-lens.lock"))
            .await
            .expect("the claim"),
    )
    .expect("JSON");
    assert_eq!(claim["state"], "COMPLETED");
    assert_eq!(claim["key"], REDACTED_VOICE_KEY);
}

#[tokio::test]
async fn both_variants_landing_together_leave_the_post_call_cca_with_the_redacted_transcript_only()
{
    let world = ContactLensWorld::start().await;
    let cca_id = world.post_call_voice_contact().await;
    world.put(VOICE_KEY, fixture("analysis-voice.json")).await;
    world
        .put(REDACTED_VOICE_KEY, redacted_voice_analysis())
        .await;
    let (original, redacted) = tokio::join!(
        world.import(object_created(VOICE_KEY), "contact-lens-original"),
        world.import(object_created(REDACTED_VOICE_KEY), "contact-lens-redacted"),
    );
    let (original, redacted) = (output(&original), output(&redacted));
    assert_eq!(redacted["imported"]["variant"], "redacted", "{redacted}");
    assert_eq!(redacted["imported"]["ccaId"], json!(cca_id));
    assert_eq!(
        original["imported"]["alreadyImported"], true,
        "the original waited its grace: {original}"
    );
    assert_eq!(original["imported"]["importedKey"], REDACTED_VOICE_KEY);
    assert_only_the_redacted_transcript(&world);
}
