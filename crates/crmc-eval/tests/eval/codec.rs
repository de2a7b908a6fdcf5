use crate::fixture::*;
use crmc_eval::codec::{Fnv64, FORMAT_VERSION};
use crmc_eval::table::*;
use crmc_eval::{LoadError, Table};

/// Bytes with the checksum recomputed, as a deliberate forger would.
pub fn reseal(bytes: &mut [u8]) {
    // magic(4) + version(2) + compiler version (varint len < 128 here) + checksum(8)
    let cv_len = bytes[6] as usize;
    let cv_end = 7 + cv_len;
    let mut h = Fnv64::default();
    h.update(&bytes[6..cv_end]);
    h.update(&bytes[cv_end + 8..]);
    bytes[cv_end..cv_end + 8].copy_from_slice(&h.finish().to_le_bytes());
}

#[test]
fn round_trips_and_is_deterministic() {
    let t = spec_table();
    let bytes = t.to_bytes();
    assert_eq!(&bytes[0..4], b"CRMC");
    assert_eq!(u16::from_le_bytes([bytes[4], bytes[5]]), FORMAT_VERSION);
    let back = Table::from_bytes(&bytes).unwrap();
    assert_eq!(back, t);
    assert_eq!(back.to_bytes(), bytes);
    assert_eq!(spec_table().to_bytes(), bytes);
    assert_eq!(back.compiler_version, "test");
}

#[test]
fn rejects_bad_magic_newer_version_and_truncation() {
    let bytes = spec_table().to_bytes();
    let mut bad = bytes.clone();
    bad[0] = b'X';
    assert_eq!(Table::from_bytes(&bad), Err(LoadError::BadMagic));
    assert_eq!(Table::from_bytes(b"PK\x03\x04"), Err(LoadError::BadMagic));
    let mut newer = bytes.clone();
    newer[4..6].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let e = Table::from_bytes(&newer).unwrap_err();
    assert!(matches!(e, LoadError::NewerFormat { found, .. } if found == FORMAT_VERSION + 1));
    assert!(e.to_string().contains("newer"));
    for n in 0..bytes.len() {
        assert!(
            Table::from_bytes(&bytes[..n]).is_err(),
            "prefix {n} accepted"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Table::from_bytes(&longer).is_err());
}

#[test]
fn rejects_any_flipped_byte() {
    let bytes = spec_table().to_bytes();
    for i in 6..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0x55;
        assert!(Table::from_bytes(&bad).is_err(), "flip at {i} accepted");
    }
    let mut bad = bytes.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert!(matches!(
        Table::from_bytes(&bad),
        Err(LoadError::ChecksumMismatch { .. })
    ));
}

#[test]
fn rejects_out_of_range_indices_even_with_a_valid_checksum() {
    let mut t = spec_table();
    t.contracts[0].name = StrId(9999);
    let mut bytes = t.to_bytes();
    reseal(&mut bytes);
    let e = Table::from_bytes(&bytes).unwrap_err();
    assert!(matches!(e, LoadError::Invalid(_)), "{e}");

    let mut t = spec_table();
    t.ops.push(Op::And(3));
    let len = t.ops.len() as u32;
    t.contracts[0].eligible = Some(CondRange {
        start: len - 1,
        len: 1,
    });
    let e = Table::from_bytes(&t.to_bytes()).unwrap_err();
    assert!(e.to_string().contains("underflows"), "{e}");

    let mut t = spec_table();
    t.index[0][1].push(ContractIx(0)); // Account lists a Lead contract
    assert!(Table::from_bytes(&t.to_bytes()).is_err());

    let mut t = spec_table();
    t.objects.swap(0, 1);
    assert!(Table::from_bytes(&t.to_bytes()).is_err());
}

#[test]
fn readable_json_form() {
    let v = serde_json::to_value(spec_table()).unwrap();
    assert_eq!(v["compiler_version"], "test");
    assert!(v["contracts"][0]["field_rules"].is_array());
}
