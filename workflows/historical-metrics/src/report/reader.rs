//! A report read as CSV rows (RFC 4180: quoted commas and line breaks, doubled quotes; CRLF or
//! LF; a UTF-8 BOM; no final newline) in ranged reads of the object, so a report of any size is
//! held only a chunk and a row at a time.
//!
//! Each chunk is parsed with the `csv` crate from a record boundary; the last record of a chunk
//! may be cut off, so it is kept and parsed again with the next chunk. Every other record was
//! followed by another one, so it ended in a line break outside quotes and is complete.

use std::collections::VecDeque;

use crate::ports::{ObjectLocation, ObjectStore, StoreError};

/// How much of the object one read fetches.
pub const DEFAULT_CHUNK_BYTES: u64 = 256 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One CSV record: its 0-based record number (0 is the header) and its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    pub number: usize,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the object does not exist")]
    Missing,
    #[error("row {row} is not valid CSV text: {reason}")]
    Malformed { row: usize, reason: String },
}

/// Reads `location` one CSV row at a time.
pub struct ReportReader<'a> {
    store: &'a dyn ObjectStore,
    location: ObjectLocation,
    chunk_bytes: u64,
    /// The next byte to fetch.
    offset: u64,
    /// The object's size, once the first read said.
    size: Option<u64>,
    /// Bytes fetched but not yet parsed into complete rows (starting at a record boundary).
    unparsed: Vec<u8>,
    /// Complete records parsed, not yet handed out.
    rows: VecDeque<(usize, csv::ByteRecord)>,
    rows_parsed: usize,
    /// Range reads made, for the benchmark and tests.
    reads: usize,
    /// The largest `unparsed` buffer held.
    peak_buffer: usize,
}

impl<'a> ReportReader<'a> {
    pub fn new(store: &'a dyn ObjectStore, location: ObjectLocation) -> Self {
        Self::with_chunk_bytes(store, location, DEFAULT_CHUNK_BYTES)
    }

    pub fn with_chunk_bytes(
        store: &'a dyn ObjectStore,
        location: ObjectLocation,
        chunk_bytes: u64,
    ) -> Self {
        Self {
            store,
            location,
            chunk_bytes: chunk_bytes.max(1),
            offset: 0,
            size: None,
            unparsed: Vec::new(),
            rows: VecDeque::new(),
            rows_parsed: 0,
            reads: 0,
            peak_buffer: 0,
        }
    }

    pub fn location(&self) -> &ObjectLocation {
        &self.location
    }

    /// The object's size in bytes, once the first row was read.
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    pub fn reads(&self) -> usize {
        self.reads
    }

    pub fn peak_buffer(&self) -> usize {
        self.peak_buffer
    }

    /// Whether the object exists (reads its first chunk).
    pub async fn exists(&mut self) -> Result<bool, ReadError> {
        if self.size.is_some() {
            return Ok(true);
        }
        match self.fetch().await {
            Ok(()) => Ok(true),
            Err(ReadError::Missing) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// The next row, `None` after the last one. Blank lines are skipped.
    pub async fn next_row(&mut self) -> Result<Option<CsvRow>, ReadError> {
        loop {
            if let Some((number, record)) = self.rows.pop_front() {
                let cells = record
                    .iter()
                    .map(|cell| {
                        std::str::from_utf8(cell).map(str::to_string).map_err(|_| {
                            ReadError::Malformed {
                                row: number,
                                reason: "it is not UTF-8 text".to_string(),
                            }
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                return Ok(Some(CsvRow { number, cells }));
            }
            if self.finished() {
                return Ok(None);
            }
            if self.size.is_none() || self.offset < self.size.unwrap_or(0) {
                self.fetch().await?;
            }
            self.parse()?;
        }
    }

    fn finished(&self) -> bool {
        self.size.is_some_and(|size| self.offset >= size) && self.unparsed.is_empty()
    }

    async fn fetch(&mut self) -> Result<(), ReadError> {
        let range = self
            .store
            .get_range(&self.location, self.offset, self.chunk_bytes)
            .await?
            .ok_or(ReadError::Missing)?;
        self.reads += 1;
        let first = self.size.is_none();
        self.size = Some(range.total_size);
        self.offset += range.bytes.len() as u64;
        if range.bytes.is_empty() {
            // The object shrank under us, or is empty: nothing more will come.
            self.offset = range.total_size.max(self.offset);
        }
        self.unparsed.extend_from_slice(&range.bytes);
        if first && self.unparsed.starts_with(BOM) {
            self.unparsed.drain(..BOM.len());
        }
        self.peak_buffer = self.peak_buffer.max(self.unparsed.len());
        Ok(())
    }

    /// Parses the unparsed bytes into rows, keeping the last (possibly cut-off) record unless
    /// the whole object has been read.
    fn parse(&mut self) -> Result<(), ReadError> {
        let at_end = self.size.is_some_and(|size| self.offset >= size);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(self.unparsed.as_slice());
        let mut record = csv::ByteRecord::new();
        // (start byte, cells) of the last record read, not yet known to be complete.
        let mut held: Option<(usize, csv::ByteRecord)> = None;
        let mut parsed = Vec::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {
                    let start = record
                        .position()
                        .map_or(0, |position| position.byte() as usize);
                    if let Some((_, complete)) = held.replace((start, record.clone())) {
                        parsed.push(complete);
                    }
                }
                Ok(false) => break,
                Err(error) => {
                    return Err(ReadError::Malformed {
                        row: self.rows_parsed + parsed.len(),
                        reason: error.to_string(),
                    });
                }
            }
        }
        let consumed = match held {
            Some((_, last)) if at_end => {
                parsed.push(last);
                self.unparsed.len()
            }
            Some((start, _)) => start,
            None => self.unparsed.len(),
        };
        drop(reader);
        for record in parsed {
            self.rows.push_back((self.rows_parsed, record));
            self.rows_parsed += 1;
        }
        self.unparsed.drain(..consumed);
        if at_end && self.rows.is_empty() {
            self.unparsed.clear();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use object_storage::testing::MemoryObjectStore;

    async fn rows_of(bytes: &[u8], chunk: u64) -> Vec<Vec<String>> {
        let store = MemoryObjectStore::new();
        let location = ObjectLocation::new("b", "SFDC/Queue/r.csv");
        store.put(&location, bytes).await.expect("put");
        let mut reader = ReportReader::with_chunk_bytes(&store, location, chunk);
        let mut rows = Vec::new();
        while let Some(row) = reader.next_row().await.expect("row") {
            assert_eq!(row.number, rows.len());
            rows.push(row.cells);
        }
        rows
    }

    fn cells(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|row| row.iter().map(|cell| cell.to_string()).collect())
            .collect()
    }

    #[tokio::test]
    async fn when_cells_are_quoted_should_read_commas_quotes_and_line_breaks_in_them() {
        let text = "Queue,StartInterval,Note\n\"Billing, EMEA\",2024-03-05T14:30:00Z,\"say \"\"hi\"\"\nthen bye\"\nSales,2024-03-05T15:00:00Z,-\n";
        let expected = cells(&[
            &["Queue", "StartInterval", "Note"],
            &[
                "Billing, EMEA",
                "2024-03-05T14:30:00Z",
                "say \"hi\"\nthen bye",
            ],
            &["Sales", "2024-03-05T15:00:00Z", "-"],
        ]);
        // Every chunk size cuts the text somewhere else, inside quotes and line breaks too.
        for chunk in 1..=text.len() as u64 + 1 {
            assert_eq!(
                rows_of(text.as_bytes(), chunk).await,
                expected,
                "chunk {chunk}"
            );
        }
    }

    #[tokio::test]
    async fn when_the_report_has_a_bom_crlf_and_no_final_newline_should_read_it_the_same() {
        let text = "\u{feff}Agent,StartInterval\r\npriya.raman,2024-03-05T14:00:00Z\r\n\r\njwu,2024-03-05T14:30:00Z";
        let expected = cells(&[
            &["Agent", "StartInterval"],
            &["priya.raman", "2024-03-05T14:00:00Z"],
            &["jwu", "2024-03-05T14:30:00Z"],
        ]);
        for chunk in [1, 2, 3, 4, 5, 17, 1024] {
            assert_eq!(
                rows_of(text.as_bytes(), chunk).await,
                expected,
                "chunk {chunk}"
            );
        }
    }

    #[tokio::test]
    async fn when_the_report_is_empty_or_missing_should_say_so() {
        assert!(rows_of(b"", 16).await.is_empty());
        let store = MemoryObjectStore::new();
        let mut reader = ReportReader::new(&store, ObjectLocation::new("b", "SFDC/Queue/none.csv"));
        assert_eq!(reader.next_row().await, Err(ReadError::Missing));
    }

    #[tokio::test]
    async fn when_a_cell_is_not_utf8_should_name_the_row() {
        let store = MemoryObjectStore::new();
        let location = ObjectLocation::new("b", "SFDC/Queue/r.csv");
        store
            .put(&location, b"Queue,StartInterval\nBill\xffing,x\n")
            .await
            .expect("put");
        let mut reader = ReportReader::new(&store, location);
        reader.next_row().await.expect("header");
        assert!(matches!(
            reader.next_row().await,
            Err(ReadError::Malformed { row: 1, .. })
        ));
    }

    #[tokio::test]
    async fn when_the_report_is_large_should_hold_only_a_chunk_and_a_row_at_a_time() {
        let mut text = String::from("Queue,StartInterval,Contacts queued\n");
        for row in 0..10_000 {
            text.push_str(&format!("Queue number {row},2024-03-05T14:30:00Z,{row}\n"));
        }
        let store = MemoryObjectStore::new();
        let location = ObjectLocation::new("b", "SFDC/Queue/large.csv");
        store.put(&location, text.as_bytes()).await.expect("put");
        let chunk = 16 * 1024;
        let mut reader = ReportReader::with_chunk_bytes(&store, location, chunk);
        let mut rows = 0;
        while reader.next_row().await.expect("row").is_some() {
            rows += 1;
        }
        assert_eq!(rows, 10_001);
        assert_eq!(reader.reads(), text.len().div_ceil(chunk as usize));
        assert!(
            reader.peak_buffer() < chunk as usize + 64,
            "held {} bytes of {}",
            reader.peak_buffer(),
            text.len()
        );
    }
}
