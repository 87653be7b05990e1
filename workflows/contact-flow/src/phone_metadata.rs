//! libphonenumber's rules, loaded one country calling code at a time.
//!
//! The `phonenumber` crate's default database builds all 254 territories (and syntax-checks
//! thousands of regular expressions) on the first parse: about 90 ms and 5 MiB of every cold
//! `phoneLookup`. A caller's number needs only its own calling code's territories (the 25 NANPA
//! regions for `+1`, GB and its dependencies for `+44`), so `build.rs` splits the same metadata
//! by calling code and [`database_for`] builds, once per container, the database for the codes
//! callers actually have. Parsing and validation are the crate's own (`parse_with`,
//! `is_valid_with`), so the answers are the full database's; a test checks every example number
//! in the metadata against it.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock, PoisonError},
};

use phonenumber::metadata::{Database, loader};

/// Postcard of `Vec<(calling code, postcard of Vec<loader::Metadata>)>`, sorted by code.
static METADATA_BY_CODE: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/phone_metadata_by_code.bin"));

/// The calling codes and their encoded territories; decoding the index borrows, so it is cheap.
fn index() -> &'static [(u16, &'static [u8])] {
    static INDEX: OnceLock<Vec<(u16, &'static [u8])>> = OnceLock::new();
    INDEX.get_or_init(|| postcard::from_bytes(METADATA_BY_CODE).unwrap_or_default())
}

/// The calling code an E.164 number (digits after `+`) starts with. Calling codes are
/// prefix-free (ITU-T E.164), so the first of the 1-, 2- and 3-digit prefixes that is a code is
/// the code.
pub fn calling_code(digits: &str) -> Option<u16> {
    (1..=3)
        .filter_map(|length| digits.get(..length))
        .filter(|prefix| prefix.bytes().all(|byte| byte.is_ascii_digit()))
        .filter_map(|prefix| prefix.parse::<u16>().ok())
        .find(|code| {
            index()
                .binary_search_by_key(code, |(known, _)| *known)
                .is_ok()
        })
}

/// Whether `code` is a country calling code the metadata knows.
pub fn is_calling_code(code: u16) -> bool {
    index()
        .binary_search_by_key(&code, |(known, _)| *known)
        .is_ok()
}

/// Builds the databases of `codes` and compiles what validating a number of each needs, so the
/// first caller from those codes pays nothing.
pub fn prepare(codes: &[u16]) {
    for code in codes {
        if let Some(database) = database_for(*code) {
            // Validation compiles the patterns lazily: validate an example number once.
            let example = database
                .by_code(code)
                .and_then(|regions| regions.into_iter().next())
                .and_then(|metadata| {
                    metadata
                        .descriptors()
                        .fixed_line()
                        .or(metadata.descriptors().mobile())
                        .and_then(|descriptor| descriptor.example().map(str::to_string))
                });
            if let Some(example) = example
                && let Ok(number) =
                    phonenumber::parse_with(&database, None, format!("+{code}{example}"))
            {
                let _ = phonenumber::is_valid_with(&database, &number);
            }
        }
    }
}

/// The phone database for one calling code, built on first use and kept for the container's
/// life. `None` when the code is unknown (the number cannot be valid).
pub fn database_for(code: u16) -> Option<Arc<Database>> {
    static DATABASES: OnceLock<Mutex<HashMap<u16, Arc<Database>>>> = OnceLock::new();
    let databases = DATABASES.get_or_init(Mutex::default);
    // A panic elsewhere while holding the lock leaves only complete entries behind.
    let mut databases = databases.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(database) = databases.get(&code) {
        return Some(Arc::clone(database));
    }
    let database = Arc::new(build(code)?);
    databases.insert(code, Arc::clone(&database));
    Some(database)
}

fn build(code: u16) -> Option<Database> {
    let position = index()
        .binary_search_by_key(&code, |(known, _)| *known)
        .ok()?;
    let territories: Vec<loader::Metadata> = postcard::from_bytes(index()[position].1).ok()?;
    Database::from(territories).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_calling_code_in_the_metadata_builds() {
        assert!(index().len() > 200, "{} calling codes", index().len());
        for (code, _) in index() {
            assert!(database_for(*code).is_some(), "calling code {code}");
        }
    }

    #[test]
    fn prepared_codes_are_kept_for_the_first_caller() {
        prepare(&[44]);
        let prepared = database_for(44).expect("GB and its dependencies");
        assert!(Arc::ptr_eq(&prepared, &database_for(44).expect("kept")));
        assert!(is_calling_code(44) && !is_calling_code(999));
    }

    #[test]
    fn calling_code_is_the_known_prefix() {
        assert_eq!(calling_code("12065550143"), Some(1));
        assert_eq!(calling_code("442079460018"), Some(44));
        assert_eq!(calling_code("390612345678"), Some(39));
        assert_eq!(calling_code("3531234567"), Some(353));
        // 999 and 99x are not assigned; nothing shorter is either.
        assert_eq!(calling_code("99912345"), None);
        assert_eq!(calling_code(""), None);
        assert_eq!(calling_code("4x"), None);
    }

    /// Every example number libphonenumber ships (fixed line, mobile, toll free, ...) gets the
    /// same verdict and the same national number from the one-code database as from the
    /// crate's full one.
    #[test]
    fn trimmed_database_agrees_with_the_full_one() {
        let xml = include_str!("../phone-metadata/PhoneNumberMetadata.xml");
        let territories = loader::load(std::io::Cursor::new(xml)).expect("metadata loads");
        let mut checked = 0;
        for territory in &territories {
            let code = territory.country_code.expect("every territory has a code");
            let examples = [
                &territory.fixed_line,
                &territory.mobile,
                &territory.toll_free,
                &territory.premium_rate,
                &territory.shared_cost,
                &territory.personal_number,
                &territory.voip,
                &territory.pager,
                &territory.uan,
                &territory.voicemail,
            ]
            .into_iter()
            .flatten()
            .filter_map(|descriptor| descriptor.example.clone());
            let database = database_for(code).expect("the code builds");
            for example in examples {
                for number in [format!("+{code}{example}"), format!("+{code}{example}9")] {
                    let full = phonenumber::parse(None, &number)
                        .ok()
                        .map(|parsed| (phonenumber::is_valid(&parsed), parsed.national().value()));
                    let trimmed =
                        phonenumber::parse_with(&database, None, &number)
                            .ok()
                            .map(|parsed| {
                                (
                                    phonenumber::is_valid_with(&database, &parsed),
                                    parsed.national().value(),
                                )
                            });
                    assert_eq!(full, trimmed, "{number}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "checked {checked} numbers");
    }
}
