//! The two steps together on in-memory doubles: the checks' order, every field, one CCA, once.

use std::sync::Arc;

use activity_contract::{NamedError, TaskContext, run_task};
use chrono::Utc;
use object_storage::testing::MemoryObjectStore;
use post_call::ports::{ContactMarker, ContactMarkers};
use post_call::stored_markers::StoredMarkers;
use post_call::testing::{MemorySalesforce, SalesforceCall};
use serde_json::{Value, json};

use super::*;
use crate::check::{CheckedFile, SkipReason};
use crate::ports::ObjectLocation;
use crate::settings::ContactLensSettings;
use crate::testing::MemoryContactAttributes;

const INSTANCE: &str = "5f0c8a2e-3b71-4d9a-a6e4-2c9b81d07f35";
const VOICE_CONTACT: &str = "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08";
const CHAT_CONTACT: &str = "3b7e19d4-6a2f-4c81-9d05-e82f4a6c1b97";
const BUCKET: &str = "amazon-connect-3e91c4d7a2b8";
const TRANSCRIPTS: &str = "northwind-transcripts";
const CCA: &str = "amazonconnect__AC_ContactChannelAnalytics__c";
const VOICE_KEY: &str = "Analysis/Voice/2024/03/05/8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08_analysis_2024-03-05T14:23:18Z.json";
const CHAT_KEY: &str = "Analysis/Chat/2024/03/05/3b7e19d4-6a2f-4c81-9d05-e82f4a6c1b97_analysis_2024-03-05T15:03:39Z.json";
const REDACTED_VOICE_KEY: &str = "Analysis/Voice/Redacted/2024/03/05/8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08_analysis_redacted_2024-03-05T14:23:18Z.json";
const REDACTED_CHAT_KEY: &str = "Analysis/Chat/Redacted/2024/03/05/3b7e19d4-6a2f-4c81-9d05-e82f4a6c1b97_analysis_redacted_2024-03-05T15:03:39Z.json";
const TRANSCRIPT_KEY: &str = "connect/northwind-care/ChatTranscripts/2024/03/05/3b7e19d4-6a2f-4c81-9d05-e82f4a6c1b97_20240305T15:02_UTC.json";

struct World {
    store: Arc<MemoryObjectStore>,
    connect: Arc<MemoryContactAttributes>,
    salesforce: Arc<MemorySalesforce>,
    settings: ContactLensSettings,
}

impl World {
    fn new() -> Self {
        let store = Arc::new(MemoryObjectStore::new());
        let put = |key: &str, bytes: &[u8]| {
            store.put_with_metadata(&ObjectLocation::new(BUCKET, key), bytes, Default::default());
        };
        put(
            VOICE_KEY,
            include_bytes!("../../fixtures/analysis-voice.json"),
        );
        put(
            CHAT_KEY,
            include_bytes!("../../fixtures/analysis-chat.json"),
        );
        put(
            TRANSCRIPT_KEY,
            include_bytes!("../../fixtures/chat-transcript.json"),
        );
        let connect = Arc::new(MemoryContactAttributes::new(INSTANCE));
        connect.set(VOICE_CONTACT, &[("contactLensImportEnabled", "true")]);
        connect.set(
            CHAT_CONTACT,
            &[
                ("contactLensImportEnabled", "true"),
                ("postchatTranscriptImportEnabled", "true"),
            ],
        );
        let salesforce = Arc::new(MemorySalesforce::cti_org("amazonconnect", false));
        let settings = ContactLensSettings {
            import_enabled: true,
            instance_id: INSTANCE.into(),
            transcript_bucket: Some(TRANSCRIPTS.into()),
            namespace: post_call::Namespace::parse("amazonconnect").unwrap(),
            region: "us-west-2".into(),
            outage_tolerance_minutes: 60,
        };
        Self {
            store,
            connect,
            salesforce,
            settings,
        }
    }

    async fn check(&self, key: &str) -> CheckedFile {
        let ports = CheckContactLensFilePorts {
            store: self.store.clone(),
            connect: self.connect.clone(),
            settings: Arc::new(self.settings.clone()),
        };
        let event = json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": BUCKET},
            "object": {"key": key.replace(':', "%3A")}}}]});
        let output = run_task::<CheckContactLensFile>(&ports, event, Utc::now())
            .await
            .unwrap();
        serde_json::from_value(output).unwrap()
    }

    async fn import(&self, checked: &CheckedFile, execution: &str) -> Value {
        self.import_on(self.store.clone(), checked, execution)
            .await
            .unwrap()
    }

    /// The import reading and writing through `store` (this world's, or one wrapping it).
    async fn import_on(
        &self,
        store: Arc<dyn object_storage::ObjectStore>,
        checked: &CheckedFile,
        execution: &str,
    ) -> Result<Value, activity_contract::TaskError<crate::ContactLensError>> {
        let ports = ImportContactLensFilePorts {
            salesforce: self.salesforce.clone(),
            store,
            settings: Arc::new(self.settings.clone()),
        };
        let input = json!({"input": checked, "context": {"executionName": execution,
            "stateEnteredTime": Utc::now(), "retryCount": 0}});
        run_task::<ImportContactLensFile>(&ports, input, Utc::now()).await
    }

    fn put(&self, key: &str, bytes: &[u8]) {
        self.store
            .put_with_metadata(&ObjectLocation::new(BUCKET, key), bytes, Default::default());
    }

    /// The contact's analysis import claim, as stored.
    async fn analysis_claim(&self, contact_id: &str) -> crate::claim::ImportClaim {
        let bytes = object_storage::ObjectStore::get(
            self.store.as_ref(),
            &crate::claim::claim_location(TRANSCRIPTS, contact_id, "contact-lens"),
        )
        .await
        .unwrap()
        .expect("the contact's claim");
        serde_json::from_slice(&bytes).unwrap()
    }

    fn salesforce_writes(&self) -> usize {
        [
            SalesforceCall::Create,
            SalesforceCall::Update,
            SalesforceCall::CreateAttachment,
        ]
        .into_iter()
        .map(|call| self.salesforce.call_count(call))
        .sum()
    }

    /// The contact's one CCA and its attachments' bodies.
    fn cca_and_attachments(&self, contact_id: &str) -> (salesforce_client::Record, Vec<Vec<u8>>) {
        let records: Vec<_> = self
            .salesforce
            .records(CCA)
            .into_iter()
            .filter(|record| record["amazonconnect__ContactId__c"] == json!(contact_id))
            .collect();
        assert_eq!(records.len(), 1, "one CCA for {contact_id}");
        let attachments = self
            .salesforce
            .attachments(records[0]["Id"].as_str().unwrap())
            .into_iter()
            .map(|(_, _, body)| body)
            .collect();
        (records[0].clone(), attachments)
    }
}

/// Words of the fixtures' conversations that a redacting flow masks.
const PERSONAL_DATA: [&str; 3] = ["4719208", "Priya", "$84"];

/// `original` as Contact Lens redacts it: the personal data in every turn replaced by `[PII]`.
fn redacted(original: &[u8]) -> Vec<u8> {
    let mut analysis: Value = serde_json::from_slice(original).unwrap();
    analysis["ContentMetadata"]["Output"] = json!("Redacted");
    for turn in analysis["Transcript"].as_array_mut().unwrap() {
        if let Some(content) = turn["Content"].as_str() {
            let masked = PERSONAL_DATA
                .iter()
                .fold(content.to_string(), |text, word| {
                    text.replace(word, "[PII]")
                });
            turn["Content"] = json!(masked);
        }
    }
    serde_json::to_vec(&analysis).unwrap()
}

fn assert_redacted(what: &str, text: &str) {
    assert!(text.contains("[PII]"), "{what}: {text}");
    for word in PERSONAL_DATA {
        assert!(!text.contains(word), "{what} has {word}: {text}");
    }
}

#[tokio::test]
async fn when_a_voice_analysis_is_imported_should_write_every_field_and_attach_its_transcript() {
    let world = World::new();
    world.connect.set(
        VOICE_CONTACT,
        &[
            ("contactLensImportEnabled", "true"),
            ("postcallRedactedRecordingImportEnabled", "true"),
        ],
    );
    let checked = world.check(VOICE_KEY).await;
    assert!(checked.import, "{checked:?}");
    assert_eq!(checked.key, VOICE_KEY, "%3A decoded");
    let report = world.import(&checked, "exec-1").await;
    assert_eq!(report["ccaCreated"], true);
    let records = world.salesforce.records(CCA);
    assert_eq!(records.len(), 1);
    let cca = &records[0];
    let field = |name: &str| {
        cca.get(&format!("amazonconnect__{name}"))
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(field("ContactId__c"), json!(VOICE_CONTACT));
    assert_eq!(field("InstanceId__c"), json!(INSTANCE));
    assert_eq!(field("ContactLensCustomerSentiment__c"), json!(1.1));
    assert_eq!(field("ContactLensAgentSentiment__c"), json!(2.7));
    assert_eq!(field("ContactLensInterruptions__c"), json!(1));
    assert_eq!(
        serde_json::from_str::<Value>(field("ContactLensAgentInterruptions__c").as_str().unwrap())
            .unwrap(),
        json!([{"BeginOffsetMillis": 10200, "EndOffsetMillis": 10400, "DurationMillis": 200}])
    );
    assert_eq!(
        field("ContactLensCustomerInterruptions__c"),
        Value::Null,
        "no customer interruption"
    );
    assert_eq!(field("ContactLensNonTalkTime__c"), json!(15100));
    assert_eq!(field("ContactLensTalkSpeedCustomer__c"), json!(113));
    assert_eq!(field("ContactLensTalkSpeedAgent__c"), json!(149));
    assert_eq!(field("ContactLensTalkTimeTotal__c"), json!(44930));
    assert_eq!(field("ContactLensTalkTimeCustomer__c"), json!(15950));
    assert_eq!(field("ContactLensTalkTimeAgent__c"), json!(28980));
    assert_eq!(
        field("ContactLensMatchedCategories__c"),
        json!("billing-duplicate-charge|customer-placed-on-hold")
    );
    let details: Value =
        serde_json::from_str(field("ContactLensMatchedDetails__c").as_str().unwrap()).unwrap();
    assert_eq!(
        details["billing-duplicate-charge"]["PointsOfInterest"][0]["BeginOffsetMillis"],
        4850
    );
    assert_eq!(field("ContactLensCustomerSentimentCurve__c"), json!("S"));
    let text = field("ContactLensTranscriptsFullText__c");
    assert!(
        text.as_str()
            .unwrap()
            .starts_with("Thanks for calling Northwind Home Energy"),
        "{text}"
    );
    assert!(
        text.as_str().unwrap().ends_with("Have a lovely afternoon."),
        "{text}"
    );
    assert_eq!(field("DataSource__c"), json!("Contact_Lens"));
    assert_eq!(
        field("RecordingPath__c"),
        json!(format!(
            "{BUCKET}/Analysis/Voice/Redacted/2024/03/05/{VOICE_CONTACT}_call_recording_redacted_2024-03-05T14:23:18Z.wav"
        ))
    );
    let id = cca["Id"].as_str().unwrap();
    let attachments = world.salesforce.attachments(id);
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0].0, "ContactLensTranscripts.json");
    let turns: Value = serde_json::from_slice(&attachments[0].2).unwrap();
    assert_eq!(turns.as_array().unwrap().len(), 10);
    assert_eq!(turns[0]["participantRole"], "AGENT");
    assert_eq!(turns[0]["loudness_score"][0], 86.03);
    assert!(turns[3]["redaction"].is_object());
}

#[tokio::test]
async fn when_a_chat_analysis_is_imported_should_write_only_the_fields_chats_have() {
    let world = World::new();
    let checked = world.check(CHAT_KEY).await;
    assert!(checked.import);
    assert!(!checked.redacted_recording_import);
    world.import(&checked, "exec-1").await;
    let cca = &world.salesforce.records(CCA)[0];
    let field = |name: &str| cca.get(&format!("amazonconnect__{name}")).cloned();
    assert_eq!(field("ContactLensCustomerSentiment__c"), Some(json!(0.6)));
    assert_eq!(field("ContactLensAgentSentiment__c"), Some(json!(1.4)));
    assert_eq!(
        field("ContactLensMatchedCategories__c"),
        Some(json!("agent-intro|billing-question"))
    );
    assert_eq!(field("DataSource__c"), Some(json!("Contact_Lens")));
    assert_eq!(
        field("ContactLensTranscriptsFullText__c"),
        Some(json!(
            "Hi, this is Priya from Northwind. How can I help you today? My March bill is higher than usual, why is that? The cold snap raised your usage; I've set up a payment plan. That works, thank you!"
        ))
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
        assert_eq!(
            field(voice_only),
            None,
            "{voice_only} is not in a chat analysis"
        );
    }
    let attachments = world.salesforce.attachments(cca["Id"].as_str().unwrap());
    let turns: Value = serde_json::from_slice(&attachments[0].2).unwrap();
    assert_eq!(turns.as_array().unwrap().len(), 4, "messages only");
    assert_eq!(turns[1]["participantRole"], "CUSTOMER");
    assert_eq!(turns[1]["absoluteTime"], "2024-03-05T15:00:14.850Z");
}

#[tokio::test]
async fn when_a_check_fails_should_skip_in_order_and_call_nothing_after_it() {
    let world = World::new();
    let mut foreign = world.settings.clone();
    foreign.instance_id = "another-instance".into();
    let world_foreign = World {
        settings: foreign,
        ..World::new()
    };
    let checked = world_foreign.check(VOICE_KEY).await;
    assert_eq!(checked.skipped, Some(SkipReason::ForeignInstance));
    assert_eq!(
        world_foreign.connect.calls(),
        0,
        "no Connect call for a foreign instance"
    );

    let mut off = world.settings.clone();
    off.import_enabled = false;
    let world_off = World {
        settings: off,
        ..World::new()
    };
    assert_eq!(
        world_off.check(VOICE_KEY).await.skipped,
        Some(SkipReason::ImportDisabled)
    );
    assert_eq!(world_off.connect.calls(), 0);

    world
        .connect
        .set(VOICE_CONTACT, &[("contactLensImportEnabled", "True")]);
    let checked = world.check(VOICE_KEY).await;
    assert_eq!(
        checked.skipped,
        Some(SkipReason::ContactNotEnabled),
        "only the exact string true"
    );
    let report = world.import(&checked, "exec-1").await;
    assert_eq!(report["skipped"], true);
    assert!(world.salesforce.records(CCA).is_empty());
    assert!(
        world
            .store
            .locations()
            .iter()
            .all(|location| location.bucket != TRANSCRIPTS)
    );

    let checked = world.check("Analysis/Voice/2024/03/05/summary.json").await;
    assert_eq!(checked.skipped, Some(SkipReason::UnrecognisedKey));
}

#[tokio::test]
async fn when_post_call_made_the_cca_should_update_it_and_a_second_import_write_nothing() {
    let world = World::new();
    let mut existing = salesforce_client::Record::new();
    existing.insert("amazonconnect__ContactId__c".into(), json!(VOICE_CONTACT));
    existing.insert(
        "amazonconnect__RecordingPath__c".into(),
        json!("recording.wav"),
    );
    let cca_id = world.salesforce.insert(CCA, existing);
    let markers = StoredMarkers::new(world.store.clone(), TRANSCRIPTS);
    let mut marker = ContactMarker::new(Some("contact-exec".into()), Utc::now());
    marker.cca_id = Some(cca_id.clone());
    markers
        .create_if_absent(VOICE_CONTACT, &marker)
        .await
        .unwrap();

    let checked = world.check(VOICE_KEY).await;
    let report = world.import(&checked, "exec-1").await;
    assert_eq!(report["ccaId"], json!(cca_id));
    assert_eq!(report["ccaCreated"], false);
    let records = world.salesforce.records(CCA);
    assert_eq!(records.len(), 1, "the post-call CCA, not a second one");
    assert_eq!(records[0]["amazonconnect__DataSource__c"], "Contact_Lens");
    assert_eq!(
        records[0]["amazonconnect__RecordingPath__c"], "recording.wav",
        "not redacted: kept"
    );
    assert_eq!(
        world.salesforce.call_count(SalesforceCall::FindIds),
        0,
        "found through the marker"
    );

    let calls = world.salesforce.call_count(SalesforceCall::Update)
        + world
            .salesforce
            .call_count(SalesforceCall::CreateAttachment);
    let again = world.import(&world.check(VOICE_KEY).await, "exec-2").await;
    assert_eq!(again["alreadyImported"], true);
    assert_eq!(
        world.salesforce.call_count(SalesforceCall::Update)
            + world
                .salesforce
                .call_count(SalesforceCall::CreateAttachment),
        calls,
        "nothing written again"
    );
    assert_eq!(world.salesforce.attachments(&cca_id).len(), 1);
    assert_eq!(
        markers
            .get(VOICE_CONTACT)
            .await
            .unwrap()
            .unwrap()
            .marker
            .cca_id,
        Some(cca_id)
    );
}

#[tokio::test]
async fn when_a_chat_transcript_lands_twice_should_attach_it_once() {
    let world = World::new();
    let checked = world.check(TRANSCRIPT_KEY).await;
    assert!(checked.import);
    world.import(&checked, "exec-1").await;
    let again = world
        .import(&world.check(TRANSCRIPT_KEY).await, "exec-2")
        .await;
    assert_eq!(again["alreadyImported"], true);
    let records = world.salesforce.records(CCA);
    assert_eq!(records.len(), 1);
    let attachments = world
        .salesforce
        .attachments(records[0]["Id"].as_str().unwrap());
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0].0, "ChatTranscript.json");
    assert_eq!(
        attachments[0].2,
        include_bytes!("../../fixtures/chat-transcript.json")
    );

    world
        .connect
        .set(CHAT_CONTACT, &[("contactLensImportEnabled", "true")]);
    assert_eq!(
        world.check(TRANSCRIPT_KEY).await.skipped,
        Some(SkipReason::ContactNotEnabled)
    );
}

#[tokio::test]
async fn when_the_file_is_gone_or_no_transcript_bucket_is_set_should_name_the_problem() {
    let world = World::new();
    let ports = CheckContactLensFilePorts {
        store: world.store.clone(),
        connect: world.connect.clone(),
        settings: Arc::new(world.settings.clone()),
    };
    let event = json!({"detail-type": "Object Created", "detail": {"bucket": {"name": BUCKET},
        "object": {"key": "Analysis/Voice/2024/03/06/8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08_analysis_2024-03-06T10:00:00Z.json"}}});
    let error = run_task::<CheckContactLensFile>(&ports, event, Utc::now())
        .await
        .unwrap_err();
    assert_eq!(error.error_name(), "ContactLensFile.NotFound");

    let checked = world.check(VOICE_KEY).await;
    let mut settings = world.settings.clone();
    settings.transcript_bucket = None;
    let ports = ImportContactLensFilePorts {
        salesforce: world.salesforce.clone(),
        store: world.store.clone(),
        settings: Arc::new(settings),
    };
    let error = <ImportContactLensFile as activity_contract::Task>::run(
        &ports,
        checked,
        &TaskContext::at(Utc::now()),
    )
    .await
    .unwrap_err();
    assert_eq!(error.error_name(), "InvalidConfiguration");
    assert!(
        error.to_string().contains("TranscribeOutputS3BucketName"),
        "{error}"
    );
}

#[tokio::test]
async fn when_s3_refuses_the_file_should_say_it_could_not_be_read_not_that_it_is_gone() {
    let world = World::new();
    let ports = CheckContactLensFilePorts {
        // The functions may not list the recording bucket: the missing file is denied.
        store: Arc::new(object_storage::testing::ListlessStore::default()),
        connect: world.connect.clone(),
        settings: Arc::new(world.settings.clone()),
    };
    let event = json!({"detail-type": "Object Created", "detail": {"bucket": {"name": BUCKET},
        "object": {"key": VOICE_KEY}}});
    let error = run_task::<CheckContactLensFile>(&ports, event, Utc::now())
        .await
        .unwrap_err();
    assert_eq!(error.error_name(), "ContactLensFile.Unreadable");
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(
        message.contains("could not be read")
            && message.contains(VOICE_KEY)
            && message.contains("access denied or the object no longer exists"),
        "{message}"
    );
    assert_eq!(world.connect.calls(), 0, "no Connect call");
}

#[tokio::test]
async fn when_a_cca_exists_without_a_marker_should_find_it_by_contact_id_and_record_it() {
    let world = World::new();
    let mut existing = salesforce_client::Record::new();
    existing.insert("amazonconnect__ContactId__c".into(), json!(CHAT_CONTACT));
    let cca_id = world.salesforce.insert(CCA, existing);
    let checked = world.check(CHAT_KEY).await;
    let report = world.import(&checked, "exec-1").await;
    assert_eq!(report["ccaId"], json!(cca_id));
    assert_eq!(report["ccaCreated"], false);
    assert_eq!(world.salesforce.records(CCA).len(), 1);
    assert_eq!(world.salesforce.call_count(SalesforceCall::FindIds), 1);
    assert_eq!(world.salesforce.call_count(SalesforceCall::Create), 0);
    let markers = StoredMarkers::new(world.store.clone(), TRANSCRIPTS);
    let marker = markers.get(CHAT_CONTACT).await.unwrap().unwrap().marker;
    assert_eq!(
        marker.cca_id,
        Some(cca_id),
        "recorded for the post-call workflow"
    );
    assert_eq!(
        marker.state,
        post_call::ports::MarkerState::InProgress,
        "a later transcription still runs"
    );
}

#[tokio::test]
async fn when_an_original_analysis_is_checked_should_say_to_wait_for_its_redacted_variant() {
    let world = World::new();
    world.put(
        REDACTED_VOICE_KEY,
        &redacted(include_bytes!("../../fixtures/analysis-voice.json")),
    );
    world.put(
        REDACTED_CHAT_KEY,
        &redacted(include_bytes!("../../fixtures/analysis-chat.json")),
    );
    for (key, wait) in [
        (VOICE_KEY, true),
        (CHAT_KEY, true),
        (REDACTED_VOICE_KEY, false),
        (REDACTED_CHAT_KEY, false),
        (TRANSCRIPT_KEY, false),
    ] {
        let checked = world.check(key).await;
        assert!(checked.import, "{key}");
        assert_eq!(checked.wait_for_redacted_variant, wait, "{key}");
    }
    let ports = CheckContactLensFilePorts {
        store: world.store.clone(),
        connect: world.connect.clone(),
        settings: Arc::new(world.settings.clone()),
    };
    world
        .connect
        .set(VOICE_CONTACT, &[("contactLensImportEnabled", "false")]);
    let event = json!({"detail-type": "Object Created", "detail": {"bucket": {"name": BUCKET},
        "object": {"key": VOICE_KEY}}});
    let skipped = run_task::<CheckContactLensFile>(&ports, event, Utc::now())
        .await
        .unwrap();
    assert_eq!(skipped["skipped"], "contactNotEnabled");
    assert_eq!(
        skipped["waitForRedactedVariant"], false,
        "always written: the state machine's Choice reads it"
    );
}

#[tokio::test]
async fn when_the_redacted_variant_exists_should_import_it_instead_of_the_original_then_nothing() {
    for (original_key, redacted_key, contact, fixture) in [
        (
            VOICE_KEY,
            REDACTED_VOICE_KEY,
            VOICE_CONTACT,
            include_bytes!("../../fixtures/analysis-voice.json").as_slice(),
        ),
        (
            CHAT_KEY,
            REDACTED_CHAT_KEY,
            CHAT_CONTACT,
            include_bytes!("../../fixtures/analysis-chat.json").as_slice(),
        ),
    ] {
        let world = World::new();
        world.put(redacted_key, &redacted(fixture));

        // The original's execution imports first (after its grace): the redacted content.
        let checked = world.check(original_key).await;
        let report = world.import(&checked, "exec-original").await;
        assert_eq!(report["variant"], "redacted", "{report}");
        assert_eq!(report["importedKey"], redacted_key);
        let (cca, attachments) = world.cca_and_attachments(contact);
        assert_redacted(
            "the full text",
            cca["amazonconnect__ContactLensTranscriptsFullText__c"]
                .as_str()
                .unwrap(),
        );
        assert_eq!(attachments.len(), 1);
        assert_redacted(
            "the attachment",
            &String::from_utf8(attachments[0].clone()).unwrap(),
        );
        let claim = world.analysis_claim(contact).await;
        assert_eq!(claim.state, crate::claim::ClaimState::Completed);
        assert_eq!(
            claim.key.as_deref(),
            Some(redacted_key),
            "names the file imported"
        );

        // The redacted file's own execution: already imported, nothing written.
        let writes = world.salesforce_writes();
        let again = world
            .import(&world.check(redacted_key).await, "exec-redacted")
            .await;
        assert_eq!(again["alreadyImported"], true, "{again}");
        assert_eq!(again["importedKey"], redacted_key);
        assert_eq!(again["variant"], "redacted");
        assert_eq!(world.salesforce_writes(), writes, "nothing written again");
        assert_eq!(world.cca_and_attachments(contact).1.len(), 1);
    }
}

#[tokio::test]
async fn when_there_is_no_redacted_variant_should_import_the_original() {
    let world = World::new();
    let report = world
        .import(&world.check(VOICE_KEY).await, "exec-original")
        .await;
    assert_eq!(report["variant"], "original", "{report}");
    assert_eq!(report["importedKey"], VOICE_KEY);
    let (cca, attachments) = world.cca_and_attachments(VOICE_CONTACT);
    assert!(
        cca["amazonconnect__ContactLensTranscriptsFullText__c"]
            .as_str()
            .unwrap()
            .contains("it's 4719208"),
        "the flow does not redact: the original's text"
    );
    assert_eq!(attachments.len(), 1);
    assert_eq!(
        world.analysis_claim(VOICE_CONTACT).await.key.as_deref(),
        Some(VOICE_KEY)
    );

    let chat = world
        .import(&world.check(TRANSCRIPT_KEY).await, "exec-transcript")
        .await;
    assert_eq!(chat["importedKey"], TRANSCRIPT_KEY);
    assert!(chat.get("variant").is_none(), "a transcript has no variant");
}

#[tokio::test]
async fn when_the_original_arrives_after_the_redacted_was_imported_should_write_nothing() {
    let world = World::new();
    world.put(
        REDACTED_VOICE_KEY,
        &redacted(include_bytes!("../../fixtures/analysis-voice.json")),
    );
    let first = world
        .import(&world.check(REDACTED_VOICE_KEY).await, "exec-redacted")
        .await;
    assert_eq!(first["variant"], "redacted");
    assert_eq!(first["importedKey"], REDACTED_VOICE_KEY);
    let writes = world.salesforce_writes();
    let original = world
        .import(&world.check(VOICE_KEY).await, "exec-original")
        .await;
    assert_eq!(original["alreadyImported"], true, "{original}");
    assert_eq!(original["importedKey"], REDACTED_VOICE_KEY);
    assert_eq!(world.salesforce_writes(), writes);
    let (cca, attachments) = world.cca_and_attachments(VOICE_CONTACT);
    assert_redacted(
        "the full text",
        cca["amazonconnect__ContactLensTranscriptsFullText__c"]
            .as_str()
            .unwrap(),
    );
    assert_eq!(attachments.len(), 1);
}

/// The world's store, with reads of one key answered by `refusal`.
struct Refusing {
    store: Arc<MemoryObjectStore>,
    key: &'static str,
    refusal: object_storage::StoreError,
}

#[async_trait::async_trait]
impl object_storage::ObjectStore for Refusing {
    async fn get(
        &self,
        location: &ObjectLocation,
    ) -> Result<Option<Vec<u8>>, object_storage::StoreError> {
        if location.key == self.key {
            return Err(self.refusal.clone());
        }
        self.store.get(location).await
    }
    async fn get_versioned(
        &self,
        location: &ObjectLocation,
    ) -> Result<Option<object_storage::StoredObject>, object_storage::StoreError> {
        if location.key == self.key {
            return Err(self.refusal.clone());
        }
        self.store.get_versioned(location).await
    }
    async fn put_if_version(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
        version: &object_storage::ObjectVersion,
    ) -> Result<bool, object_storage::StoreError> {
        self.store.put_if_version(location, bytes, version).await
    }
    async fn put(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
    ) -> Result<(), object_storage::StoreError> {
        self.store.put(location, bytes).await
    }
    async fn put_if_absent(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
    ) -> Result<bool, object_storage::StoreError> {
        self.store.put_if_absent(location, bytes).await
    }
}

#[tokio::test]
async fn when_s3_refuses_the_redacted_variant_should_import_the_original_but_retry_an_outage() {
    use object_storage::ObjectStore;

    let world = World::new();
    let checked = world.check(VOICE_KEY).await;
    let down = Arc::new(Refusing {
        store: world.store.clone(),
        key: REDACTED_VOICE_KEY,
        refusal: object_storage::StoreError::Unavailable {
            location: format!("s3://{BUCKET}/{REDACTED_VOICE_KEY}"),
            message: "SlowDown (HTTP 503)".into(),
        },
    });
    let error = world
        .import_on(down, &checked, "exec-original")
        .await
        .unwrap_err();
    assert_eq!(error.error_name(), "ObjectStore.Unavailable");
    assert!(error.is_retryable());
    assert_eq!(
        world.salesforce_writes(),
        0,
        "nothing written before the read"
    );
    let claim = world.analysis_claim(VOICE_CONTACT).await;
    assert_eq!(
        (claim.state, claim.owner),
        (crate::claim::ClaimState::InProgress, None),
        "given back for the retry"
    );

    // Any other refusal (here an archived object) could hide a redacted variant: the import
    // fails rather than send the original's unredacted text.
    let archived = Arc::new(Refusing {
        store: world.store.clone(),
        key: REDACTED_VOICE_KEY,
        refusal: object_storage::StoreError::Failed {
            location: format!("s3://{BUCKET}/{REDACTED_VOICE_KEY}"),
            message: "InvalidObjectState (HTTP 403): The operation is not valid for the object's storage class".into(),
        },
    });
    let error = world
        .import_on(archived, &checked, "exec-original")
        .await
        .unwrap_err();
    assert_eq!(error.error_name(), "ContactLensFile.Unreadable");
    assert!(!error.is_retryable());
    assert_eq!(world.salesforce_writes(), 0, "the original was not sent");

    // S3's 403 to a reader that may not list the bucket: the variant does not exist.
    let denied = Arc::new(Refusing {
        store: world.store.clone(),
        key: REDACTED_VOICE_KEY,
        refusal: object_storage::StoreError::Denied {
            location: format!("s3://{BUCKET}/{REDACTED_VOICE_KEY}"),
            message: "AccessDenied (HTTP 403): Access Denied".into(),
        },
    });
    let report = world
        .import_on(denied, &checked, "exec-original")
        .await
        .unwrap();
    assert_eq!(report["variant"], "original", "{report}");
    assert_eq!(report["importedKey"], VOICE_KEY);
    assert_eq!(world.cca_and_attachments(VOICE_CONTACT).1.len(), 1);
    assert!(
        world
            .store
            .get(&ObjectLocation::new(BUCKET, REDACTED_VOICE_KEY))
            .await
            .unwrap()
            .is_none()
    );
}
