//! A cache of per-entry age file keys, so repeated scans skip the X25519 unwrap.
//!
//! Decrypting an entry costs an X25519 key agreement to unwrap its 16-byte file key,
//! then ChaCha20-Poly1305 over the payload; the first is most of the time. Once an entry
//! has been read, its file key is remembered here, keyed by the ephemeral share in the
//! entry's header (random per age file, so a changed entry simply misses). The cache is
//! persisted by the journal as one more age file encrypted to the journal key, so it
//! protects nothing less than the entries do, and every entry stays a standard age file.
//!
//! A wrong or tampered cached key can never produce wrong plaintext: age authenticates
//! the payload with the file key, so a bad key fails and the entry is decrypted the
//! ordinary way.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, RwLock};

use age::secrecy::ExposeSecret;
use age_core::format::{FileKey, Stanza};
use zeroize::Zeroizing;

/// The bytes of the X25519 ephemeral share (base64, unpadded) that name an age file.
const SHARE: usize = 43;
const HEADER: &[u8] = b"age-encryption.org/v1\n-> X25519 ";
/// Bytes per persisted record: share, file key.
const RECORD: usize = SHARE + 16;

type Share = [u8; SHARE];

/// The cache: whose key it belongs to (the journal key's public half), and its records.
/// Only that key may use it, so a different key never opens an entry through it.
/// The owner's public key and the file keys by share.
type Cache = (String, HashMap<Share, Zeroizing<[u8; 16]>>);

static CACHE: LazyLock<RwLock<Cache>> =
    LazyLock::new(|| RwLock::new((String::new(), HashMap::new())));
/// Whose persisted cache has been loaded in this process.
static LOADED: LazyLock<RwLock<String>> = LazyLock::new(|| RwLock::new(String::new()));
/// File keys learned since the cache was loaded or saved.
static LEARNED: AtomicUsize = AtomicUsize::new(0);

/// The share that names `ciphertext`, if it is a one-recipient X25519 age file.
pub(super) fn share_of(ciphertext: &[u8]) -> Option<Share> {
    let rest = ciphertext.strip_prefix(HEADER)?;
    let share: Share = rest.get(..SHARE)?.try_into().ok()?;
    (rest.get(SHARE) == Some(&b'\n')).then_some(share)
}

/// The cached file key for this share.
pub(super) fn get(owner: &str, share: &Share) -> Option<Zeroizing<[u8; 16]>> {
    let cache = CACHE.read().ok()?;
    if cache.0 != owner {
        return None;
    }
    cache.1.get(share).cloned()
}

/// Remembers a file key learned by decrypting.
pub(super) fn learn(owner: &str, share: Share, key: Zeroizing<[u8; 16]>) {
    if let Ok(mut cache) = CACHE.write() {
        if cache.0 != owner {
            owner.clone_into(&mut cache.0);
            cache.1.clear();
            LEARNED.store(0, Ordering::Relaxed);
        }
        if cache.1.insert(share, key).is_none() {
            LEARNED.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Forgets every cached key (after a rekey, or when switching journals).
pub fn clear() {
    if let Ok(mut cache) = CACHE.write() {
        cache.0.clear();
        cache.1.clear();
    }
    if let Ok(mut loaded) = LOADED.write() {
        loaded.clear();
    }
    LEARNED.store(0, Ordering::Relaxed);
}

/// The public key the cached file keys belong to.
pub fn owner() -> String {
    CACHE
        .read()
        .map(|cache| cache.0.clone())
        .unwrap_or_default()
}

/// How many keys are cached.
pub fn len() -> usize {
    CACHE.read().map_or(0, |cache| cache.1.len())
}

/// How many keys were learned since the last [`load`] or [`serialise`].
pub fn learned() -> usize {
    LEARNED.load(Ordering::Relaxed)
}

/// Whether `owner`'s persisted cache has been loaded.
pub fn loaded_for(owner: &str) -> bool {
    LOADED.read().is_ok_and(|loaded| *loaded == owner)
}

/// Adds persisted records of `owner`'s entries to the cache (ignoring a malformed
/// tail); keys learned before loading are kept and still count as learned.
pub(super) fn load(owner: &str, records: &[u8]) {
    if let Ok(mut loaded) = LOADED.write() {
        owner.clone_into(&mut loaded);
    }
    if let Ok(mut cache) = CACHE.write() {
        if cache.0 != owner {
            owner.clone_into(&mut cache.0);
            cache.1.clear();
            LEARNED.store(0, Ordering::Relaxed);
        }
        let cache = &mut cache.1;
        for chunk in records.chunks_exact(RECORD) {
            let Ok(share) = Share::try_from(&chunk[..SHARE]) else {
                continue;
            };
            let mut key = Zeroizing::new([0_u8; 16]);
            key.copy_from_slice(&chunk[SHARE..]);
            cache.entry(share).or_insert(key);
        }
    }
}

/// Every cached key as records to persist (to be encrypted by the caller); resets the
/// learned count.
pub fn serialise() -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::new());
    if let Ok(cache) = CACHE.read() {
        out.reserve(cache.1.len() * RECORD);
        for (share, key) in &cache.1 {
            out.extend_from_slice(share);
            out.extend_from_slice(key.as_slice());
        }
    }
    LEARNED.store(0, Ordering::Relaxed);
    out
}

/// An identity that hands age a known file key.
pub(super) struct Cached(pub Zeroizing<[u8; 16]>);

impl age::Identity for Cached {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        (stanza.tag == "X25519").then(|| Ok(FileKey::new(Box::new(*self.0))))
    }
}

/// The journal's identity, remembering the file key it unwraps.
pub(super) struct Capturing<'a> {
    pub inner: &'a age::x25519::Identity,
    pub seen: Cell<Option<Zeroizing<[u8; 16]>>>,
}

impl age::Identity for Capturing<'_> {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, age::DecryptError>> {
        let result = self.inner.unwrap_stanza(stanza)?;
        if let Ok(key) = &result {
            self.seen.set(Some(Zeroizing::new(*key.expose_secret())));
        }
        Some(result)
    }
}
