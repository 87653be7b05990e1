//! A local stand-in for a Salesforce org.
