//! Salesforce REST API client.
