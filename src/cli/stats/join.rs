//! The join of decisions with feedback in bounded memory: every decided
//! field and every feedback line becomes a fixed-size record keyed by the
//! decision's name; records are sorted in runs of at most `run` records
//! (spilled to temporary files past the first) and merged, so each
//! decision's records come together, decisions before feedback, however
//! large and in whatever order the logs are. Memory is one run and one
//! buffered reader per run being merged (at most 64 at once); disk is
//! 33 bytes per record.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

/// Records held in memory before a run is spilled (about 50 MB).
pub const DEFAULT_RUN: usize = 1 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rec {
    pub key: u128,
    /// 0 a decision, 1 feedback: decisions of a key come first.
    pub side: u8,
    /// Input order: of two decisions with one name, the first counts.
    pub seq: u64,
    pub group: u32,
    pub outcome: u8,
    pub bucket: u8,
    pub excluded: u8,
    pub feedback: u8,
}

const SIZE: usize = 16 + 1 + 8 + 4 + 4;

impl Rec {
    fn write(&self, w: &mut impl Write) -> std::io::Result<()> {
        let mut b = [0u8; SIZE];
        b[..16].copy_from_slice(&self.key.to_le_bytes());
        b[16] = self.side;
        b[17..25].copy_from_slice(&self.seq.to_le_bytes());
        b[25..29].copy_from_slice(&self.group.to_le_bytes());
        b[29] = self.outcome;
        b[30] = self.bucket;
        b[31] = self.excluded;
        b[32] = self.feedback;
        w.write_all(&b)
    }

    fn read(r: &mut impl Read) -> std::io::Result<Option<Rec>> {
        let mut b = [0u8; SIZE];
        match r.read_exact(&mut b) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let mut key = [0u8; 16];
        key.copy_from_slice(&b[..16]);
        let mut seq = [0u8; 8];
        seq.copy_from_slice(&b[17..25]);
        let mut group = [0u8; 4];
        group.copy_from_slice(&b[25..29]);
        Ok(Some(Rec {
            key: u128::from_le_bytes(key),
            side: b[16],
            seq: u64::from_le_bytes(seq),
            group: u32::from_le_bytes(group),
            outcome: b[29],
            bucket: b[30],
            excluded: b[31],
            feedback: b[32],
        }))
    }
}

/// Sorted runs, in memory and on disk.
pub struct Sorter {
    run: Vec<Rec>,
    max: usize,
    spilled: Vec<File>,
    dir: Option<PathBuf>,
    /// Run files made (spilled and merged), for their names.
    made: usize,
}

/// Runs merged at once (open files).
const FAN_IN: usize = 64;

/// The records of sorted run files, in order, to `f`.
fn merge(files: Vec<File>, mut f: impl FnMut(Rec)) -> std::io::Result<()> {
    let mut readers: Vec<BufReader<File>> = files
        .into_iter()
        .map(|file| BufReader::with_capacity(1 << 16, file))
        .collect();
    let mut heap = BinaryHeap::new();
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some(rec) = Rec::read(r)? {
            heap.push(Reverse((rec, i)));
        }
    }
    while let Some(Reverse((rec, i))) = heap.pop() {
        f(rec);
        if let Some(next) = Rec::read(&mut readers[i])? {
            heap.push(Reverse((next, i)));
        }
    }
    Ok(())
}

impl Sorter {
    pub fn new(max: usize) -> Sorter {
        Sorter {
            run: Vec::new(),
            max: max.max(2),
            spilled: Vec::new(),
            dir: None,
            made: 0,
        }
    }

    pub fn push(&mut self, r: Rec) -> std::io::Result<()> {
        self.run.push(r);
        if self.run.len() >= self.max {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> std::io::Result<()> {
        self.run.sort_unstable();
        let file = self.run_file()?;
        let mut w = BufWriter::with_capacity(1 << 16, file);
        for r in &self.run {
            r.write(&mut w)?;
        }
        let mut file = w.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        self.spilled.push(file);
        self.run.clear();
        Ok(())
    }

    /// A new run file in the temporary directory.
    fn run_file(&mut self) -> std::io::Result<File> {
        let dir = match &self.dir {
            Some(d) => d.clone(),
            None => {
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.subsec_nanos());
                let d =
                    std::env::temp_dir().join(format!("crmc-stats-{}-{nanos}", std::process::id()));
                std::fs::create_dir(&d)?;
                self.dir = Some(d.clone());
                d
            }
        };
        self.made += 1;
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(dir.join(format!("run{}", self.made)))
    }

    /// Every record pushed, in order, to `f`.
    pub fn drain(mut self, mut f: impl FnMut(Rec)) -> std::io::Result<()> {
        if self.spilled.is_empty() {
            self.run.sort_unstable();
            for r in self.run.drain(..) {
                f(r);
            }
            return Ok(());
        }
        if !self.run.is_empty() {
            self.spill()?;
        }
        // at most FAN_IN files open at once: merge the oldest runs into one
        // until few enough are left
        while self.spilled.len() > FAN_IN {
            let group: Vec<File> = self.spilled.drain(..FAN_IN).collect();
            let file = self.run_file()?;
            let mut w = BufWriter::with_capacity(1 << 16, file);
            let mut err = Ok(());
            merge(group, |r| {
                if err.is_ok() {
                    err = r.write(&mut w);
                }
            })?;
            err?;
            let mut file = w.into_inner().map_err(|e| e.into_error())?;
            file.seek(SeekFrom::Start(0))?;
            self.spilled.push(file);
        }
        let files: Vec<File> = self.spilled.drain(..).collect();
        merge(files, f)
    }

    /// Runs written to disk so far.
    pub fn spilled(&self) -> usize {
        self.made
    }
}

impl Drop for Sorter {
    fn drop(&mut self) {
        self.spilled.clear();
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}
