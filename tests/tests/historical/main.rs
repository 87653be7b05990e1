//! Historical queue and agent metrics end to end: Connect's scheduled reports from S3 (moto,
//! through the production S3 adapter's ranged reads) into the Salesforce emulator through the
//! Salesforce client over HTTP, and (api_sync) the GetMetricDataV2 sync.

mod reports;

mod api_sync;
