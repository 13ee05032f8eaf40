//! A small binary `Encoder`/`Decoder` for RPC messages and persisted state
//! (no serde: the crate builds offline with the standard library only).
//!
//! Wire format, little-endian, the same as the C++ layer's codec.hpp:
//! fixed-width integers; `put_varint` unsigned LEB128; `put_bool` one byte
//! 0 or 1; `put_bytes` a varint length then the bytes.
//!
//! Malformed input never panics: a `Decoder` that runs out of bytes, meets a
//! bad bool or an over-long varint or length becomes failed and returns
//! zeros from then on. Check `finish()` once after decoding a message.
//!
//! Thread safety: plain values. Ownership: `Encoder` owns its buffer; a
//! `Decoder` borrows the bytes it reads.

/// Appends values to a byte buffer.
#[derive(Default)]
pub struct Encoder {
    buf: Vec<u8>,
}

impl Encoder {
    pub fn new() -> Encoder {
        Encoder { buf: Vec::new() }
    }
    pub fn put_u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    pub fn put_bool(&mut self, v: bool) {
        self.buf.push(v as u8);
    }
    pub fn put_u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn put_u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn put_i32(&mut self, v: i32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn put_i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn put_varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }
    pub fn put_bytes(&mut self, b: &[u8]) {
        self.put_varint(b.len() as u64);
        self.buf.extend_from_slice(b);
    }
    pub fn put_str(&mut self, s: &str) {
        self.put_bytes(s.as_bytes());
    }
    /// The encoded bytes.
    pub fn finish(self) -> Vec<u8> {
        self.buf
    }
}

/// Reads values back in the order they were put.
pub struct Decoder<'a> {
    data: &'a [u8],
    pos: usize,
    failed: bool,
}

impl<'a> Decoder<'a> {
    pub fn new(data: &'a [u8]) -> Decoder<'a> {
        Decoder {
            data,
            pos: 0,
            failed: false,
        }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.failed || self.data.len() - self.pos < n {
            self.failed = true;
            return None;
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Some(s)
    }
    fn fixed<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        if let Some(s) = self.take(N) {
            out.copy_from_slice(s);
        }
        out
    }

    pub fn get_u8(&mut self) -> u8 {
        self.fixed::<1>()[0]
    }
    pub fn get_bool(&mut self) -> bool {
        match self.get_u8() {
            0 => false,
            1 => true,
            _ => {
                self.failed = true;
                false
            }
        }
    }
    pub fn get_u32(&mut self) -> u32 {
        u32::from_le_bytes(self.fixed())
    }
    pub fn get_u64(&mut self) -> u64 {
        u64::from_le_bytes(self.fixed())
    }
    pub fn get_i32(&mut self) -> i32 {
        i32::from_le_bytes(self.fixed())
    }
    pub fn get_i64(&mut self) -> i64 {
        i64::from_le_bytes(self.fixed())
    }
    pub fn get_varint(&mut self) -> u64 {
        let mut v: u64 = 0;
        for shift in (0..70).step_by(7) {
            let b = self.get_u8();
            if self.failed {
                return 0;
            }
            if shift == 63 && b > 1 {
                break;
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return v;
            }
        }
        self.failed = true;
        0
    }
    /// Borrows the next length-prefixed byte string.
    pub fn get_bytes(&mut self) -> &'a [u8] {
        let n = self.get_varint();
        if n > (self.data.len() - self.pos) as u64 {
            self.failed = true;
            return &[];
        }
        self.take(n as usize).unwrap_or(&[])
    }
    pub fn failed(&self) -> bool {
        self.failed
    }
    /// True when nothing failed and every byte was read.
    pub fn finish(&self) -> bool {
        !self.failed && self.pos == self.data.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut e = Encoder::new();
        e.put_i64(-5);
        e.put_i32(7);
        e.put_bool(true);
        e.put_varint(300);
        e.put_bytes(b"abc");
        let bytes = e.finish();
        let mut d = Decoder::new(&bytes);
        assert_eq!(d.get_i64(), -5);
        assert_eq!(d.get_i32(), 7);
        assert!(d.get_bool());
        assert_eq!(d.get_varint(), 300);
        assert_eq!(d.get_bytes(), b"abc");
        assert!(d.finish());
    }

    #[test]
    fn malformed_input_fails_without_panicking() {
        let mut d = Decoder::new(&[2]);
        assert!(!d.get_bool());
        assert!(d.failed());
        let mut d = Decoder::new(&[5, b'a']);
        assert_eq!(d.get_bytes(), b"");
        assert!(!d.finish());
        let mut d = Decoder::new(&[0xff; 11]);
        assert_eq!(d.get_varint(), 0);
        assert!(d.failed());
    }
}
