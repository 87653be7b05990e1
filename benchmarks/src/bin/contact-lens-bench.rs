//! `contact-lens-bench`: the Salesforce API calls (as the org counts them; the OAuth token is
//! not counted) and Amazon Connect calls of importing one Contact Lens file, on the embedded
//! default: the real state machine on the engine, the Connect emulator and the Salesforce
//! emulator over HTTP through the production adapters, the post-call workflow beside it. Each
//! case for the first file of a container (the object describe not cached yet) and for a later
//! file of another contact. Writes `benchmarks/results/contact-lens.md` (or `--out DIR`).

use std::time::Instant;

use tests::contact_lens_world::*;
use tests::post_call_world::PostCallWorld;

/// A second contact, for the files after the first.
const LATER_VOICE: &str = "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b09";
const LATER_CHAT: &str = "3b7e19d4-6a2f-4c81-9d05-e82f4a6c1b98";

struct Measured {
    salesforce: u64,
    connect: u64,
    wall_ms: f64,
}

/// `name`'s fixture and `key` as another contact's.
fn as_contact(text: &str, from: &str, to: &str) -> String {
    text.replace(from, to)
}

async fn measure(world: &ContactLensWorld, key: &str, name: &str) -> anyhow::Result<Measured> {
    let salesforce = world.salesforce_calls();
    let connect = world.contact_attribute_reads();
    let started = Instant::now();
    let result = world.import(object_created(key), name).await;
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(
        result.status == step_functions_engine::ExecutionStatus::Succeeded,
        "{name}: {:?} {:?}",
        result.error,
        result.cause
    );
    Ok(Measured {
        salesforce: world.salesforce_calls() - salesforce,
        connect: world.contact_attribute_reads() - connect,
        wall_ms,
    })
}

fn attributes(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

async fn world() -> ContactLensWorld {
    let world = ContactLensWorld::start_on(PostCallWorld::local(2).await, |_| {}).await;
    for contact in [LATER_VOICE, LATER_CHAT] {
        world.connect.control().set_contact_attributes(
            contact,
            attributes(&[
                ("contactLensImportEnabled", "true"),
                ("postchatTranscriptImportEnabled", "true"),
            ]),
        );
    }
    world
}

/// One case: `prepare` readies the world for a contact, then the file of `key` (for the first
/// contact, then rewritten for the later one) is imported.
async fn case(
    world: &ContactLensWorld,
    fixture_name: &str,
    key: &str,
    contact: &str,
    later: &str,
    name: &str,
) -> anyhow::Result<(Measured, Measured)> {
    let text = String::from_utf8(fixture(fixture_name))?;
    world.put(key, text.clone().into_bytes()).await;
    let first = measure(world, key, &format!("{name}-1")).await?;
    let later_key = as_contact(key, contact, later);
    world
        .put(&later_key, as_contact(&text, contact, later).into_bytes())
        .await;
    let second = measure(world, &later_key, &format!("{name}-2")).await?;
    Ok((first, second))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let out = std::env::args()
        .skip_while(|arg| arg != "--out")
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| test_harness::repo_root().join("benchmarks/results"));
    let mut rows: Vec<(String, Measured, Measured)> = Vec::new();

    // A voice analysis onto the CCA the post-call workflow made (found through its marker).
    let voice = world().await;
    let switches = post_call::PackageSwitches {
        transcribe_enabled: false,
        ..test_harness::fixtures::all_switches()
    };
    let ctr = test_harness::fixtures::voice_ctr();
    voice
        .post_call
        .deliver(
            &[
                ctr.clone(),
                test_harness::fixtures::ctr_as_contact(&ctr, LATER_VOICE),
            ],
            &switches,
        )
        .await;
    let (first, later) = case(
        &voice,
        "analysis-voice.json",
        VOICE_KEY,
        VOICE_CONTACT,
        LATER_VOICE,
        "voice-post-call",
    )
    .await?;
    rows.push((
        "voice analysis, the post-call CCA (through its marker) updated".into(),
        first,
        later,
    ));
    let again = measure(&voice, VOICE_KEY, "voice-again").await?;
    let again_later = measure(
        &voice,
        &as_contact(VOICE_KEY, VOICE_CONTACT, LATER_VOICE),
        "voice-again-2",
    )
    .await?;
    rows.push((
        "the same file again (redelivery, re-run)".into(),
        again,
        again_later,
    ));

    // A voice analysis with no CCA yet: created once, its fields in the create.
    let fresh = world().await;
    let (first, later) = case(
        &fresh,
        "analysis-voice.json",
        VOICE_KEY,
        VOICE_CONTACT,
        LATER_VOICE,
        "voice-new",
    )
    .await?;
    rows.push((
        "voice analysis, no CCA yet (created with its fields)".into(),
        first,
        later,
    ));

    // A chat analysis, then the chat's transcript onto the CCA it made.
    let chat = world().await;
    let (first, later) = case(
        &chat,
        "analysis-chat.json",
        CHAT_KEY,
        CHAT_CONTACT,
        LATER_CHAT,
        "chat-new",
    )
    .await?;
    rows.push(("chat analysis, no CCA yet".into(), first, later));
    let (first, later) = case(
        &chat,
        "chat-transcript.json",
        TRANSCRIPT_KEY,
        CHAT_CONTACT,
        LATER_CHAT,
        "transcript",
    )
    .await?;
    rows.push((
        "chat transcript onto the contact's CCA (through the marker)".into(),
        first,
        later,
    ));

    // A chat transcript that arrives before any CCA (before the chat's analysis, or for a chat
    // without Contact Lens): the CCA created once under the marker, then the attachment.
    let transcript_first = world().await;
    let (first, later) = case(
        &transcript_first,
        "chat-transcript.json",
        TRANSCRIPT_KEY,
        CHAT_CONTACT,
        LATER_CHAT,
        "transcript-new",
    )
    .await?;
    for contact in [CHAT_CONTACT, LATER_CHAT] {
        let ccas = transcript_first.ccas(contact);
        anyhow::ensure!(ccas.len() == 1, "{contact}: one CCA, not {}", ccas.len());
        let id = ccas[0]["Id"].as_str().unwrap_or_default();
        let attachments = transcript_first.attachments(id);
        anyhow::ensure!(
            attachments.len() == 1,
            "{contact}: the transcript attached once, not {} times",
            attachments.len()
        );
    }
    rows.push((
        "chat transcript, no CCA yet (created, then the attachment)".into(),
        first,
        later,
    ));

    // Skipped: a contact without the attribute.
    let skipped = world().await;
    for contact in [VOICE_CONTACT, LATER_VOICE] {
        skipped.connect.control().set_contact_attributes(
            contact,
            attributes(&[("contactLensImportEnabled", "false")]),
        );
    }
    let (first, later) = case(
        &skipped,
        "analysis-voice.json",
        VOICE_KEY,
        VOICE_CONTACT,
        LATER_VOICE,
        "skipped",
    )
    .await?;
    rows.push((
        "skipped: contactLensImportEnabled not true".into(),
        first,
        later,
    ));

    let profile = if cfg!(debug_assertions) {
        "debug (call counts do not depend on it; wall times do)"
    } else {
        "optimised"
    };
    let mut md = format!(
        "# Contact Lens import: API calls per file\n\n`contact-lens-bench` (embedded default: the real state machine on the engine, the Salesforce and Connect emulators over HTTP through the production adapters). Salesforce calls as the org counts them (the OAuth token request is not counted); first = the first file of a container (describe not cached), later = another contact's file afterwards. Build: {profile}.\n\n| file | Salesforce calls (first / later) | Connect calls | wall time (first / later) |\n|---|---:|---:|---:|\n",
    );
    for (what, first, later) in &rows {
        md.push_str(&format!(
            "| {what} | {} / {} | {} | {:.0} ms / {:.0} ms |\n",
            first.salesforce, later.salesforce, first.connect, first.wall_ms, later.wall_ms
        ));
    }
    print!("{md}");
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("contact-lens.md"), &md)?;
    Ok(())
}
