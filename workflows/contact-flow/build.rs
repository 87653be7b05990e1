//! Splits libphonenumber's metadata by country calling code, so the Lambda builds the phone
//! database (and syntax-checks its regular expressions) only for the codes callers actually
//! have: loading all 254 territories on the first parse cost ~90 ms of every cold
//! `phoneLookup`; one calling code costs well under a millisecond.
//!
//! Output: `$OUT_DIR/phone_metadata_by_code.bin`, postcard of `Vec<(u16, Vec<u8>)>` sorted by
//! calling code, each inner value the postcard of that code's `Vec<loader::Metadata>` (the
//! format `phonenumber::metadata::Database::from` takes).

use std::{collections::BTreeMap, env, fs::File, io::BufReader, path::PathBuf};

use phonenumber::metadata::loader;

const METADATA_XML: &str = "phone-metadata/PhoneNumberMetadata.xml";

fn main() {
    println!("cargo:rerun-if-changed={METADATA_XML}");
    println!("cargo:rerun-if-changed=build.rs");
    let file = File::open(METADATA_XML)
        .unwrap_or_else(|error| panic!("cannot open {METADATA_XML}: {error}"));
    let territories = loader::load(BufReader::new(file))
        .unwrap_or_else(|error| panic!("cannot load {METADATA_XML}: {error:?}"));

    let mut by_code: BTreeMap<u16, Vec<loader::Metadata>> = BTreeMap::new();
    for territory in territories {
        let code = territory
            .country_code
            .unwrap_or_else(|| panic!("territory {:?} has no countryCode", territory.id));
        by_code.entry(code).or_default().push(territory);
    }
    let index: Vec<(u16, Vec<u8>)> = by_code
        .into_iter()
        .map(|(code, territories)| {
            let bytes = postcard::to_stdvec(&territories)
                .unwrap_or_else(|error| panic!("cannot encode calling code {code}: {error}"));
            (code, bytes)
        })
        .collect();
    let encoded = postcard::to_stdvec(&index).expect("the index encodes");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("phone_metadata_by_code.bin");
    std::fs::write(&out, encoded)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", out.display()));
}
