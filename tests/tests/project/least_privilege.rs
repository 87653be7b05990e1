//! S3 grants on the customer's buckets stay on the prefixes each function uses: the transcript
//! bucket's markers and Transcribe's output, the reporting bucket's report folders, the
//! recording bucket's analyses and chat transcripts. A widened grant fails here, not in review.

use std::collections::BTreeSet;

use test_harness::repo_root;

/// What follows `s3:::${<bucket parameter>}/` in every object ARN the template grants.
fn object_grants(bucket_parameter: &str) -> BTreeSet<String> {
    let template = std::fs::read_to_string(repo_root().join("template.yaml")).expect("template");
    let marker = format!("s3:::${{{bucket_parameter}}}/");
    template
        .lines()
        .filter_map(|line| line.split_once(&marker))
        .map(|(_, rest)| rest.trim_end_matches(['\'', '"']).to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|item| item.to_string()).collect()
}

#[test]
fn the_transcript_bucket_is_granted_only_markers_and_transcribe_output() {
    assert_eq!(
        object_grants("TranscribeOutputS3BucketName"),
        set(&[
            // Contact markers and import claims.
            "locks/*",
            // Transcribe's output, named after the job (<ContactId>_<attempt>.json).
            "*_*.json",
            // Transcribe's own check that it may write the output.
            ".write_access_check_file.temp",
        ])
    );
}

#[test]
fn the_reporting_bucket_is_granted_only_the_report_folders() {
    assert_eq!(
        object_grants("ConnectReportingS3BucketName"),
        set(&[
            "SFDC/Queue/*",
            "SFDC/Agent/*",
            "*/SFDC/Queue/*",
            "*/SFDC/Agent/*"
        ])
    );
}

#[test]
fn the_recording_bucket_is_granted_recordings_analyses_and_chat_transcripts() {
    let template = std::fs::read_to_string(repo_root().join("template.yaml")).expect("template");
    assert_eq!(
        object_grants("ConnectRecordingS3BucketName"),
        set(&[
            // Recordings, wherever the instance's storage config puts them: Transcribe reads
            // them with StartTranscription's permissions.
            "*",
            "Analysis/Voice/*",
            "Analysis/Chat/*",
            "*/ChatTranscripts/*",
        ])
    );
    assert_eq!(
        template
            .matches("s3:::${ConnectRecordingS3BucketName}/*'")
            .count(),
        1,
        "only StartTranscription may read any recording"
    );
}
