//! The emulated org's schema: the standard objects our flows touch and the Amazon Connect CTI
//! adapter's custom objects, optionally namespaced, with Salesforce's describe output.

use serde_json::{Value, json};

/// A field's data type, as `describe` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Id,
    String,
    TextArea,
    LongTextArea,
    Phone,
    Email,
    Url,
    Picklist,
    Boolean,
    Int,
    Double,
    Percent,
    Currency,
    Date,
    DateTime,
    Reference,
    Base64,
    AutoNumber,
}

impl FieldType {
    /// The `type` of the field in describe output.
    pub fn describe_name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::String | Self::AutoNumber => "string",
            Self::TextArea | Self::LongTextArea => "textarea",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Url => "url",
            Self::Picklist => "picklist",
            Self::Boolean => "boolean",
            Self::Int => "int",
            Self::Double => "double",
            Self::Percent => "percent",
            Self::Currency => "currency",
            Self::Date => "date",
            Self::DateTime => "datetime",
            Self::Reference => "reference",
            Self::Base64 => "base64",
        }
    }

    fn soap_type(self) -> &'static str {
        match self {
            Self::Id | Self::Reference => "tns:ID",
            Self::Boolean => "xsd:boolean",
            Self::Int => "xsd:int",
            Self::Double | Self::Percent | Self::Currency => "xsd:double",
            Self::Date => "xsd:date",
            Self::DateTime => "xsd:dateTime",
            Self::Base64 => "xsd:base64Binary",
            _ => "xsd:string",
        }
    }

    /// Text-like types: compared case-insensitively, searchable, usable with LIKE.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Self::String
                | Self::TextArea
                | Self::LongTextArea
                | Self::Phone
                | Self::Email
                | Self::Url
                | Self::Picklist
                | Self::AutoNumber
        )
    }

    pub fn is_number(self) -> bool {
        matches!(
            self,
            Self::Int | Self::Double | Self::Percent | Self::Currency
        )
    }

    pub fn is_id(self) -> bool {
        matches!(self, Self::Id | Self::Reference)
    }

    fn default_length(self) -> Option<u32> {
        match self {
            Self::Id | Self::Reference => Some(18),
            Self::String | Self::Email | Self::AutoNumber => Some(255),
            Self::Phone => Some(40),
            Self::Url => Some(255),
            Self::Picklist => Some(255),
            Self::TextArea => Some(32000),
            Self::LongTextArea => Some(131_072),
            _ => None,
        }
    }
}

/// One field of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSchema {
    pub name: String,
    pub label: String,
    pub field_type: FieldType,
    pub external_id: bool,
    pub unique: bool,
    pub nillable: bool,
    pub createable: bool,
    pub updateable: bool,
    pub reference_to: Vec<String>,
    pub relationship_name: Option<String>,
    pub length: Option<u32>,
    /// A custom field (`__c`).
    pub custom: bool,
    /// The record's name field (Name, CaseNumber, Subject...).
    pub name_field: bool,
    /// The org fills the value on create when none is given.
    pub defaulted_on_create: bool,
    pub picklist_values: Vec<String>,
}

impl FieldSchema {
    fn new(name: &str, field_type: FieldType) -> Self {
        Self {
            name: name.to_owned(),
            label: label_for(name),
            field_type,
            external_id: false,
            unique: false,
            nillable: field_type != FieldType::Boolean,
            createable: true,
            updateable: true,
            reference_to: Vec::new(),
            relationship_name: None,
            length: field_type.default_length(),
            custom: name.ends_with("__c"),
            name_field: false,
            defaulted_on_create: field_type == FieldType::Boolean,
            picklist_values: Vec::new(),
        }
    }

    fn required(mut self) -> Self {
        self.nillable = false;
        self
    }

    fn read_only(mut self) -> Self {
        self.createable = false;
        self.updateable = false;
        self
    }

    fn system(mut self) -> Self {
        self.createable = false;
        self.updateable = false;
        self.nillable = false;
        self.defaulted_on_create = true;
        self
    }

    fn defaulted(mut self) -> Self {
        self.defaulted_on_create = true;
        self
    }

    fn external(mut self) -> Self {
        self.external_id = true;
        self
    }

    fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    fn with_length(mut self, length: u32) -> Self {
        self.length = Some(length);
        self
    }

    fn name_field(mut self) -> Self {
        self.name_field = true;
        self
    }

    fn picklist(mut self, values: &[&str]) -> Self {
        self.picklist_values = values.iter().map(|value| (*value).to_owned()).collect();
        self
    }

    fn references(mut self, targets: &[&str], relationship: &str) -> Self {
        self.reference_to = targets.iter().map(|target| (*target).to_owned()).collect();
        self.relationship_name = Some(relationship.to_owned());
        self
    }

    /// A reference to more than one object type (WhoId, WhatId, ParentId).
    pub fn polymorphic(&self) -> bool {
        self.reference_to.len() > 1
    }

    /// A field that must be given on create.
    pub fn required_on_create(&self) -> bool {
        !self.nillable && self.createable && !self.defaulted_on_create
    }

    fn describe(&self) -> Value {
        let (precision, scale, digits) = match self.field_type {
            FieldType::Int => (0, 0, 9),
            FieldType::Double | FieldType::Percent | FieldType::Currency => (18, 2, 0),
            _ => (0, 0, 0),
        };
        let picklist: Vec<Value> = self
            .picklist_values
            .iter()
            .map(|value| json!({ "active": true, "defaultValue": false, "label": value, "validFor": null, "value": value }))
            .collect();
        json!({
            "name": self.name,
            "label": self.label,
            "type": self.field_type.describe_name(),
            "soapType": self.field_type.soap_type(),
            "length": self.length.unwrap_or(0),
            "byteLength": self.length.unwrap_or(0) * 3,
            "precision": precision,
            "scale": scale,
            "digits": digits,
            "externalId": self.external_id,
            "unique": self.unique,
            "idLookup": self.external_id || self.field_type == FieldType::Id,
            "nillable": self.nillable,
            "createable": self.createable,
            "updateable": self.updateable,
            "defaultedOnCreate": self.defaulted_on_create,
            "calculated": false,
            "autoNumber": self.field_type == FieldType::AutoNumber,
            "custom": self.custom,
            "nameField": self.name_field,
            "filterable": self.field_type != FieldType::LongTextArea && self.field_type != FieldType::Base64,
            "sortable": self.field_type != FieldType::LongTextArea && self.field_type != FieldType::Base64,
            "caseSensitive": false,
            "referenceTo": self.reference_to,
            "relationshipName": self.relationship_name,
            "polymorphicForeignKey": self.polymorphic(),
            "picklistValues": picklist,
            "restrictedPicklist": false,
            "defaultValue": null,
            "inlineHelpText": null,
        })
    }
}

fn label_for(name: &str) -> String {
    let base = name.strip_suffix("__c").unwrap_or(name);
    let base = base.rsplit("__").next().unwrap_or(base);
    base.replace('_', " ")
}

/// One sObject.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectSchema {
    pub name: String,
    pub label: String,
    pub label_plural: String,
    pub key_prefix: String,
    pub fields: Vec<FieldSchema>,
    pub custom: bool,
    /// Searched by SOSL when no RETURNING clause names objects.
    pub default_searchable: bool,
}

impl ObjectSchema {
    /// The field named `name`, case-insensitively.
    pub fn field(&self, name: &str) -> Option<&FieldSchema> {
        self.fields
            .iter()
            .find(|field| field.name.eq_ignore_ascii_case(name))
    }

    /// The reference field whose relationship name is `name`, case-insensitively.
    pub fn relationship(&self, name: &str) -> Option<&FieldSchema> {
        self.fields.iter().find(|field| {
            field
                .relationship_name
                .as_deref()
                .is_some_and(|rel| rel.eq_ignore_ascii_case(name))
        })
    }

    /// The name field (Name, CaseNumber, Subject...).
    pub fn name_field(&self) -> Option<&FieldSchema> {
        self.fields.iter().find(|field| field.name_field)
    }

    /// The REST `sobjects/{o}/describe` body.
    pub fn describe(&self) -> Value {
        let base = format!("/services/data/v60.0/sobjects/{}", self.name);
        json!({
            "name": self.name,
            "label": self.label,
            "labelPlural": self.label_plural,
            "keyPrefix": self.key_prefix,
            "custom": self.custom,
            "customSetting": false,
            "createable": true,
            "updateable": true,
            "deletable": true,
            "queryable": true,
            "retrieveable": true,
            "searchable": true,
            "layoutable": true,
            "undeletable": true,
            "triggerable": true,
            "feedEnabled": !self.custom,
            "activateable": false,
            "childRelationships": [],
            "recordTypeInfos": [],
            "fields": self.fields.iter().map(FieldSchema::describe).collect::<Vec<_>>(),
            "urls": {
                "sobject": base,
                "describe": format!("{base}/describe"),
                "rowTemplate": format!("{base}/{{ID}}"),
            },
        })
    }
}

/// The whole org: every object, the namespace of the CTI adapter.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgSchema {
    objects: Vec<ObjectSchema>,
    namespace: Option<String>,
}

/// Amazon Connect report column → field name, by the rule of the historical-metrics import.
pub fn report_column_field(header: &str) -> String {
    let cleaned: String = header
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| *c != '(' && *c != ')')
        .collect();
    let cleaned = cleaned.trim();
    match cleaned {
        "Queue" | "Agent" => return "AC_Object_Name__c".to_owned(),
        "Average agent interaction and customer hold time" => {
            return "Avg_agent_interaction_and_cust_hold_time__c".to_owned();
        }
        "Agent non-response without customer abandons" => {
            return "Agent_non_response_without_cust_abandons__c".to_owned();
        }
        "Contacts handled connected to agent timestamp" => {
            return "Contacts_handled_conn_to_agent_timestamp__c".to_owned();
        }
        "Non-Productive Time" => return "Nonproductive_time__c".to_owned(),
        _ => {}
    }
    let mut out = String::new();
    let mut in_run = false;
    for c in cleaned.chars() {
        if c == ' ' || c == '-' {
            if !in_run {
                out.push('_');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    format!("{out}__c")
}

const QUEUE_REPORT_COLUMNS: &[&str] = &[
    "Contacts queued",
    "Contacts handled",
    "Contacts abandoned",
    "Contacts handled incoming",
    "Contacts handled outbound",
    "Contacts transferred out",
    "Contacts put on hold",
    "Contacts hold disconnect",
    "Contacts agent hung up first",
    "Average queue answer time",
    "Average queue abandon time",
    "Average handle time",
    "Average after contact work time",
    "Average customer hold time",
    "Average agent interaction time",
    "Average agent interaction and customer hold time",
    "Maximum queued time",
    "After contact work time",
    "Agent on contact time",
    "Service level 20 seconds",
    "Service level 60 seconds",
    "Agent non-response",
    "Agent non-response without customer abandons",
    "Contacts handled (connected to agent timestamp)",
];

const AGENT_REPORT_COLUMNS: &[&str] = &[
    "Agent on contact time",
    "Agent idle time",
    "Non-Productive Time",
    "Online time",
    "Error status time",
    "After contact work time",
    "Average after contact work time",
    "Average handle time",
    "Average customer hold time",
    "Average agent interaction and customer hold time",
    "Average agent interaction time",
    "Agent interaction time",
    "Agent interaction and hold time",
    "Contacts handled",
    "Contacts handled incoming",
    "Contacts handled outbound",
    "Contacts put on hold",
    "Contacts hold disconnect",
    "Contacts transferred out",
    "Contacts agent hung up first",
    "Agent answer rate",
    "Agent non-response",
    "Occupancy",
];

const CTR_TEXT: &[&str] = &[
    "AWSAccountId__c",
    "AgentUsername__c",
    "AgentRoutingProfileARN__c",
    "AgentRoutingProfileName__c",
    "Channel__c",
    "CustomerEndpointAddress__c",
    "InitialContactId__c",
    "Initiation_Method__c",
    "InstanceARN__c",
    "NextContactId__c",
    "PreviousContactId__c",
    "QueueARN__c",
    "QueueName__c",
    "RecordingLocation__c",
    "RecordingStatus__c",
    "RecordingDeletionReason__c",
    "SystemEndpointAddress__c",
    "TransferredToEndpoint__c",
];
const CTR_NUMBERS: &[&str] = &[
    "AfterContactWorkDuration__c",
    "AgentInteractionDuration__c",
    "AgentCustomerHoldDuration__c",
    "AgentLongestHoldDuration__c",
    "AgentNumberOfHolds__c",
    "AgentConnectionAttempts__c",
    "QueueDuration__c",
];
const CTR_TIMESTAMPS: &[&str] = &[
    "AfterContactWorkEndTimestamp__c",
    "AfterContactWorkStartTimestamp__c",
    "AgentConnectedToAgentTimestamp__c",
    "ConnectedToSystemTimestamp__c",
    "InitiationTimestamp__c",
    "LastUpdateTimestamp__c",
    "DisconnectTimestamp__c",
    "QueueDequeueTimestamp__c",
    "QueueEnqueueTimestamp__c",
    "TransferCompletedTimestamp__c",
];
const CTR_JSON: &[&str] = &["AgentHierarchyGroup__c", "Attributes__c"];

const CCA_TEXT: &[&str] = &[
    "RecordingPath__c",
    "CustomerEndpointAddress__c",
    "InstanceId__c",
    "Sentiment__c",
    "DominantLanguage__c",
    "DataSource__c",
    "ContactLensMatchedCategories__c",
    "ContactLensCustomerSentimentCurve__c",
];
const CCA_NUMBERS: &[&str] = &[
    "ContactLensCustomerSentiment__c",
    "ContactLensAgentSentiment__c",
    "ContactLensInterruptions__c",
    "ContactLensNonTalkTime__c",
    "ContactLensTalkSpeedCustomer__c",
    "ContactLensTalkSpeedAgent__c",
    "ContactLensTalkTimeTotal__c",
    "ContactLensTalkTimeCustomer__c",
    "ContactLensTalkTimeAgent__c",
];
const CCA_LONG: &[&str] = &[
    "Keywords__c",
    "NamedEntities__c",
    "ContactLensAgentInterruptions__c",
    "ContactLensCustomerInterruptions__c",
    "ContactLensMatchedDetails__c",
    "ContactLensTranscriptsFullText__c",
];
const QUEUE_METRIC_NUMBERS: &[&str] = &[
    "Agents_Online__c",
    "Agents_Available__c",
    "Agents_On_Call__c",
    "Agents_Staffed__c",
    "Agents_After_Contact_Work__c",
    "Agents_Non_Productive__c",
    "Agents_Error__c",
    "Contacts_In_Queue__c",
    "Oldest_Contact_Age__c",
    "Contacts_Scheduled__c",
];

/// Objects a reference to "anything" (WhatId, ParentId) may point at.
const WHAT_TARGETS: &[&str] = &["Account", "Case"];
const PARENT_TARGETS: &[&str] = &["Account", "Contact", "Lead", "Case", "Task", "User"];

fn system_fields() -> Vec<FieldSchema> {
    use FieldType as T;
    vec![
        FieldSchema::new("IsDeleted", T::Boolean).system(),
        FieldSchema::new("CreatedDate", T::DateTime).system(),
        FieldSchema::new("CreatedById", T::Reference)
            .system()
            .references(&["User"], "CreatedBy"),
        FieldSchema::new("LastModifiedDate", T::DateTime).system(),
        FieldSchema::new("LastModifiedById", T::Reference)
            .system()
            .references(&["User"], "LastModifiedBy"),
        FieldSchema::new("SystemModstamp", T::DateTime).system(),
    ]
}

fn id_field() -> FieldSchema {
    FieldSchema::new("Id", FieldType::Id).system()
}

fn owner_field() -> FieldSchema {
    FieldSchema::new("OwnerId", FieldType::Reference)
        .required()
        .defaulted()
        .references(&["User"], "Owner")
}

fn object(
    name: &str,
    label: &str,
    plural: &str,
    prefix: &str,
    searchable: bool,
    fields: Vec<FieldSchema>,
) -> ObjectSchema {
    let mut all = vec![id_field()];
    all.extend(fields);
    all.extend(system_fields());
    ObjectSchema {
        name: name.to_owned(),
        label: label.to_owned(),
        label_plural: plural.to_owned(),
        key_prefix: prefix.to_owned(),
        fields: all,
        custom: name.ends_with("__c"),
        default_searchable: searchable,
    }
}

fn standard_objects(custom_targets: &[String]) -> Vec<ObjectSchema> {
    use FieldType as T;
    let f = FieldSchema::new;
    let mut what: Vec<&str> = WHAT_TARGETS.to_vec();
    what.extend(custom_targets.iter().map(String::as_str));
    let mut parent: Vec<&str> = PARENT_TARGETS.to_vec();
    parent.extend(custom_targets.iter().map(String::as_str));
    vec![
        object(
            "Account",
            "Account",
            "Accounts",
            "001",
            true,
            vec![
                f("Name", T::String).required().name_field(),
                f("AccountNumber", T::String).with_length(40),
                f("Type", T::Picklist).picklist(&[
                    "Prospect",
                    "Customer - Direct",
                    "Customer - Channel",
                    "Partner",
                    "Other",
                ]),
                f("Phone", T::Phone),
                f("Fax", T::Phone),
                f("Website", T::Url),
                f("Industry", T::Picklist).picklist(&[
                    "Banking",
                    "Retail",
                    "Technology",
                    "Telecommunications",
                    "Other",
                ]),
                f("AnnualRevenue", T::Currency),
                f("NumberOfEmployees", T::Int),
                f("BillingStreet", T::TextArea).with_length(255),
                f("BillingCity", T::String).with_length(40),
                f("BillingState", T::String).with_length(80),
                f("BillingPostalCode", T::String).with_length(20),
                f("BillingCountry", T::String).with_length(80),
                f("Description", T::LongTextArea).with_length(32000),
                owner_field(),
            ],
        ),
        object(
            "Contact",
            "Contact",
            "Contacts",
            "003",
            true,
            vec![
                f("FirstName", T::String).with_length(40),
                f("LastName", T::String).required().with_length(80),
                f("Name", T::String)
                    .read_only()
                    .name_field()
                    .with_length(121),
                f("Salutation", T::Picklist).picklist(&["Mr.", "Ms.", "Mrs.", "Dr.", "Prof."]),
                f("Email", T::Email).with_length(80),
                f("Phone", T::Phone),
                f("HomePhone", T::Phone),
                f("MobilePhone", T::Phone),
                f("OtherPhone", T::Phone),
                f("AccountId", T::Reference).references(&["Account"], "Account"),
                f("Title", T::String).with_length(128),
                f("Department", T::String).with_length(80),
                f("Birthdate", T::Date),
                f("MailingStreet", T::TextArea).with_length(255),
                f("MailingCity", T::String).with_length(40),
                f("MailingState", T::String).with_length(80),
                f("MailingPostalCode", T::String).with_length(20),
                f("MailingCountry", T::String).with_length(80),
                f("Description", T::LongTextArea).with_length(32000),
                owner_field(),
            ],
        ),
        object(
            "Lead",
            "Lead",
            "Leads",
            "00Q",
            true,
            vec![
                f("FirstName", T::String).with_length(40),
                f("LastName", T::String).required().with_length(80),
                f("Name", T::String)
                    .read_only()
                    .name_field()
                    .with_length(121),
                f("Company", T::String).required(),
                f("Title", T::String).with_length(128),
                f("Email", T::Email).with_length(80),
                f("Phone", T::Phone),
                f("MobilePhone", T::Phone),
                f("Status", T::Picklist).required().defaulted().picklist(&[
                    "Open - Not Contacted",
                    "Working - Contacted",
                    "Closed - Converted",
                    "Closed - Not Converted",
                ]),
                f("LeadSource", T::Picklist).picklist(&[
                    "Web",
                    "Phone Inquiry",
                    "Partner Referral",
                    "Other",
                ]),
                f("Description", T::LongTextArea).with_length(32000),
                owner_field(),
            ],
        ),
        object(
            "Case",
            "Case",
            "Cases",
            "500",
            true,
            vec![
                f("CaseNumber", T::AutoNumber)
                    .system()
                    .name_field()
                    .with_length(30),
                f("Subject", T::String),
                f("Description", T::TextArea),
                f("Status", T::Picklist).defaulted().picklist(&[
                    "New",
                    "Working",
                    "Escalated",
                    "Closed",
                ]),
                f("IsClosed", T::Boolean).system(),
                f("Priority", T::Picklist)
                    .defaulted()
                    .picklist(&["High", "Medium", "Low"]),
                f("Origin", T::Picklist).picklist(&["Phone", "Email", "Web"]),
                f("Type", T::Picklist).picklist(&["Question", "Problem", "Feature Request"]),
                f("Reason", T::Picklist).picklist(&[
                    "Installation",
                    "Equipment Complexity",
                    "Performance",
                    "Other",
                ]),
                f("ContactId", T::Reference).references(&["Contact"], "Contact"),
                f("AccountId", T::Reference).references(&["Account"], "Account"),
                f("SuppliedName", T::String).with_length(80),
                f("SuppliedEmail", T::Email).with_length(80),
                f("SuppliedPhone", T::String).with_length(40),
                owner_field(),
                f("ClosedDate", T::DateTime).read_only(),
            ],
        ),
        object(
            "Task",
            "Task",
            "Tasks",
            "00T",
            false,
            vec![
                f("Subject", T::String).name_field(),
                f("Status", T::Picklist).required().defaulted().picklist(&[
                    "Not Started",
                    "In Progress",
                    "Completed",
                    "Waiting on someone else",
                    "Deferred",
                ]),
                f("Priority", T::Picklist)
                    .required()
                    .defaulted()
                    .picklist(&["High", "Normal", "Low"]),
                f("ActivityDate", T::Date),
                f("WhoId", T::Reference).references(&["Contact", "Lead"], "Who"),
                f("WhatId", T::Reference).references(&what, "What"),
                f("Description", T::TextArea),
                f("Type", T::Picklist).picklist(&["Call", "Email", "Meeting", "Other"]),
                f("TaskSubtype", T::Picklist).picklist(&["Task", "Email", "Call"]),
                f("CallType", T::Picklist).picklist(&["Internal", "Inbound", "Outbound"]),
                f("CallDurationInSeconds", T::Int),
                f("CallObject", T::String),
                f("IsClosed", T::Boolean).system(),
                owner_field(),
            ],
        ),
        object(
            "User",
            "User",
            "Users",
            "005",
            true,
            vec![
                f("Username", T::String).required().unique().with_length(80),
                f("FirstName", T::String).with_length(40),
                f("LastName", T::String).required().with_length(80),
                f("Name", T::String)
                    .read_only()
                    .name_field()
                    .with_length(121),
                f("Email", T::Email).with_length(128),
                f("Alias", T::String).with_length(8),
                f("Phone", T::Phone),
                f("MobilePhone", T::Phone),
                f("IsActive", T::Boolean).defaulted(),
                f("Title", T::String).with_length(80),
            ],
        ),
        object(
            "Attachment",
            "Attachment",
            "Attachments",
            "00P",
            false,
            vec![
                f("Name", T::String).required().name_field(),
                f("Body", T::Base64).required(),
                f("BodyLength", T::Int).read_only(),
                f("ContentType", T::String).with_length(120),
                f("Description", T::TextArea).with_length(500),
                f("IsPrivate", T::Boolean).defaulted(),
                f("ParentId", T::Reference)
                    .required()
                    .references(&parent, "Parent"),
                owner_field(),
            ],
        ),
        object(
            "FeedItem",
            "Feed Item",
            "Feed Items",
            "0D5",
            false,
            vec![
                f("ParentId", T::Reference)
                    .required()
                    .references(&parent, "Parent"),
                f("Body", T::LongTextArea).with_length(10000),
                f("Title", T::String),
                f("Type", T::Picklist).defaulted().picklist(&[
                    "TextPost",
                    "LinkPost",
                    "ContentPost",
                ]),
                f("IsRichText", T::Boolean).defaulted(),
                f("CommentCount", T::Int).read_only(),
            ],
        ),
        object(
            "FeedComment",
            "Feed Comment",
            "Feed Comments",
            "0D7",
            false,
            vec![
                f("FeedItemId", T::Reference)
                    .required()
                    .references(&["FeedItem"], "FeedItem"),
                f("ParentId", T::Reference).references(&parent, "Parent"),
                f("CommentBody", T::LongTextArea)
                    .required()
                    .with_length(10000),
                f("CommentType", T::Picklist)
                    .defaulted()
                    .picklist(&["TextComment", "ContentComment"]),
                f("IsRichText", T::Boolean).defaulted(),
            ],
        ),
    ]
}

fn custom_fields(names: &[&str], field_type: FieldType) -> Vec<FieldSchema> {
    names
        .iter()
        .map(|name| FieldSchema::new(name, field_type))
        .collect()
}

fn cti_objects(with_region: bool) -> Vec<ObjectSchema> {
    use FieldType as T;
    let f = FieldSchema::new;
    let name = || {
        f("Name", T::String)
            .name_field()
            .defaulted()
            .with_length(80)
    };
    let region = |fields: &mut Vec<FieldSchema>| {
        if with_region {
            fields.push(f("Region__c", T::String));
        }
    };

    let mut ctr = vec![name(), f("ContactId__c", T::String).external().unique()];
    ctr.extend(custom_fields(CTR_TEXT, T::String));
    ctr.extend(custom_fields(CTR_NUMBERS, T::Double));
    ctr.extend(custom_fields(CTR_TIMESTAMPS, T::DateTime));
    ctr.extend(custom_fields(CTR_JSON, T::LongTextArea));
    region(&mut ctr);

    let mut cca = vec![name(), f("ContactId__c", T::String).external()];
    cca.extend(custom_fields(CCA_TEXT, T::String));
    cca.extend(custom_fields(CCA_NUMBERS, T::Double));
    cca.extend(custom_fields(CCA_LONG, T::LongTextArea));
    region(&mut cca);

    let mut queue = vec![
        name(),
        f("Queue_Id__c", T::String).external().unique(),
        f("Queue_ARN__c", T::String),
    ];
    queue.extend(custom_fields(QUEUE_METRIC_NUMBERS, T::Double));
    region(&mut queue);

    let report = |columns: &[&str]| {
        let mut fields = vec![
            name(),
            f("AC_Record_Id__c", T::String).external().unique(),
            f("AC_Object_Name__c", T::String),
            f("StartInterval__c", T::DateTime),
            f("EndInterval__c", T::DateTime),
            f("Created_Date__c", T::DateTime),
        ];
        for column in columns {
            let lower = column.to_ascii_lowercase();
            let field_type = if lower.contains("service level")
                || lower.contains("rate")
                || lower.contains("occupancy")
            {
                T::Percent
            } else {
                T::Double
            };
            fields.push(f(&report_column_field(column), field_type));
        }
        region(&mut fields);
        fields
    };

    vec![
        object(
            "AC_ContactTraceRecord__c",
            "AC Contact Trace Record",
            "AC Contact Trace Records",
            "a00",
            false,
            ctr,
        ),
        object(
            "AC_ContactChannelAnalytics__c",
            "AC Contact Channel Analytics",
            "AC Contact Channel Analytics",
            "a01",
            false,
            cca,
        ),
        object(
            "AC_QueueMetrics__c",
            "AC Queue Metrics",
            "AC Queue Metrics",
            "a02",
            false,
            queue,
        ),
        object(
            "AC_HistoricalQueueMetrics__c",
            "AC Historical Queue Metrics",
            "AC Historical Queue Metrics",
            "a03",
            false,
            report(QUEUE_REPORT_COLUMNS),
        ),
        object(
            "AC_AgentPerformance__c",
            "AC Agent Performance",
            "AC Agent Performance",
            "a04",
            false,
            report(AGENT_REPORT_COLUMNS),
        ),
    ]
}

fn namespaced(name: &str, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) if name.ends_with("__c") => format!("{ns}__{name}"),
        _ => name.to_owned(),
    }
}

impl OrgSchema {
    /// Standard objects + CTI adapter objects; with `Some(ns)` every custom object/field `X__c`
    /// is named `ns__X__c`; `with_region` adds `Region__c` to the five CTI objects.
    pub fn cti_org(namespace: Option<&str>, with_region: bool) -> OrgSchema {
        let namespace = namespace
            .map(str::trim)
            .filter(|ns| !ns.is_empty() && *ns != "-");
        let mut custom = cti_objects(with_region);
        for object in &mut custom {
            object.name = namespaced(&object.name, namespace);
            for field in &mut object.fields {
                field.name = namespaced(&field.name, namespace);
            }
        }
        let custom_names: Vec<String> = custom.iter().map(|object| object.name.clone()).collect();
        let mut objects = standard_objects(&custom_names);
        objects.extend(custom);
        OrgSchema {
            objects,
            namespace: namespace.map(str::to_owned),
        }
    }

    /// The object named `name`, case-insensitively.
    pub fn object(&self, name: &str) -> Option<&ObjectSchema> {
        self.objects
            .iter()
            .find(|object| object.name.eq_ignore_ascii_case(name))
    }

    pub fn objects(&self) -> impl Iterator<Item = &ObjectSchema> {
        self.objects.iter()
    }

    /// The object whose key prefix starts `id`.
    pub fn object_for_id(&self, id: &str) -> Option<&ObjectSchema> {
        let prefix = id.get(..3)?;
        self.objects
            .iter()
            .find(|object| object.key_prefix == prefix)
    }

    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_namespace_is_given_should_prefix_custom_objects_and_fields() {
        let schema = OrgSchema::cti_org(Some("amazonconnect"), false);
        let ctr = schema
            .object("amazonconnect__AC_ContactTraceRecord__c")
            .expect("ctr");
        assert!(
            ctr.field("amazonconnect__ContactId__c")
                .is_some_and(|field| field.external_id && field.unique)
        );
        assert!(ctr.field("ContactId__c").is_none());
        assert!(ctr.field("Name").is_some());
        assert!(schema.object("AC_ContactTraceRecord__c").is_none());
        assert_eq!(schema.namespace(), Some("amazonconnect"));
        assert!(
            schema
                .object("contact")
                .is_some_and(|contact| contact.name == "Contact")
        );
    }

    #[test]
    fn when_namespace_is_blank_or_dash_should_not_prefix() {
        for ns in [None, Some(""), Some("-")] {
            let schema = OrgSchema::cti_org(ns, false);
            assert!(schema.object("AC_QueueMetrics__c").is_some());
            assert_eq!(schema.namespace(), None);
        }
    }

    #[test]
    fn when_region_toggled_should_add_region_to_cti_objects_only() {
        let with = OrgSchema::cti_org(None, true);
        let without = OrgSchema::cti_org(None, false);
        for name in [
            "AC_ContactTraceRecord__c",
            "AC_ContactChannelAnalytics__c",
            "AC_QueueMetrics__c",
            "AC_HistoricalQueueMetrics__c",
            "AC_AgentPerformance__c",
        ] {
            assert!(
                with.object(name)
                    .and_then(|object| object.field("Region__c"))
                    .is_some(),
                "{name}"
            );
            assert!(
                without
                    .object(name)
                    .and_then(|object| object.field("Region__c"))
                    .is_none(),
                "{name}"
            );
        }
        assert!(
            with.object("Contact")
                .and_then(|object| object.field("Region__c"))
                .is_none()
        );
    }

    #[test]
    fn when_mapping_report_headers_should_follow_the_import_rule() {
        assert_eq!(report_column_field("\u{feff}Agent"), "AC_Object_Name__c");
        assert_eq!(
            report_column_field("Contacts handled (connected to agent timestamp)"),
            "Contacts_handled_conn_to_agent_timestamp__c"
        );
        assert_eq!(
            report_column_field("Non-Productive Time"),
            "Nonproductive_time__c"
        );
        assert_eq!(
            report_column_field("Agent non-response"),
            "Agent_non_response__c"
        );
        assert_eq!(
            report_column_field("Service level 20 seconds"),
            "Service_level_20_seconds__c"
        );
        let schema = OrgSchema::cti_org(None, false);
        let agent = schema.object("AC_AgentPerformance__c").expect("agent");
        assert!(agent.field("Contacts_handled__c").is_some());
        assert!(
            agent
                .field("Occupancy__c")
                .is_some_and(|field| field.field_type == FieldType::Percent)
        );
        let queue = schema
            .object("AC_HistoricalQueueMetrics__c")
            .expect("queue");
        assert!(
            queue
                .field("Contacts_handled_conn_to_agent_timestamp__c")
                .is_some()
        );
        assert!(
            queue
                .field("Avg_agent_interaction_and_cust_hold_time__c")
                .is_some()
        );
        assert!(
            queue
                .field("AC_Record_Id__c")
                .is_some_and(|field| field.external_id)
        );
    }

    #[test]
    fn when_describing_should_include_field_properties() {
        let schema = OrgSchema::cti_org(Some("amazonconnect"), true);
        let describe = schema.object("Contact").expect("contact").describe();
        assert_eq!(describe["name"], "Contact");
        assert_eq!(describe["keyPrefix"], "003");
        let fields = describe["fields"].as_array().expect("fields");
        let account = fields
            .iter()
            .find(|field| field["name"] == "AccountId")
            .expect("AccountId");
        assert_eq!(account["type"], "reference");
        assert_eq!(account["referenceTo"], json!(["Account"]));
        assert_eq!(account["relationshipName"], "Account");
        let name = fields
            .iter()
            .find(|field| field["name"] == "Name")
            .expect("Name");
        assert_eq!(name["createable"], false);
        assert_eq!(name["updateable"], false);
        let last = fields
            .iter()
            .find(|field| field["name"] == "LastName")
            .expect("LastName");
        assert_eq!(last["nillable"], false);
        let ctr = schema
            .object("amazonconnect__AC_ContactTraceRecord__c")
            .expect("ctr")
            .describe();
        let contact_id = ctr["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|field| field["name"] == "amazonconnect__ContactId__c")
            .cloned();
        assert_eq!(contact_id.expect("ContactId")["externalId"], true);
    }

    #[test]
    fn when_looking_up_by_id_should_use_key_prefix() {
        let schema = OrgSchema::cti_org(None, false);
        assert_eq!(
            schema
                .object_for_id("0035e00000Xk9QmAAJ")
                .map(|object| object.name.as_str()),
            Some("Contact")
        );
        assert_eq!(
            schema
                .object_for_id("5005e00001Hn2WQAAZ")
                .map(|object| object.name.as_str()),
            Some("Case")
        );
        assert_eq!(
            schema
                .object("Contact")
                .and_then(|contact| contact.relationship("account"))
                .map(|field| field.name.as_str()),
            Some("AccountId")
        );
    }
}
