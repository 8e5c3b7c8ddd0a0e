//! The served index and its revision, with the revisions a write replaced kept for a while, so a
//! client walking `next` links pages through one unchanging snapshot while writes go on.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::index::EventIndex;

/// How long a replaced revision stays available to the walks that started on it.
pub const KEEP_REPLACED_FOR: Duration = Duration::from_secs(10 * 60);
/// Most replaced revisions kept at once: a burst of writes does not pile up snapshots (each
/// holds its own delta, and an old base after a compaction).
pub const KEEP_REPLACED_AT_MOST: usize = 64;

/// An index and the revision it is.
#[derive(Clone)]
pub struct Revision {
    pub number: u64,
    pub index: Arc<EventIndex>,
}

/// Why a revision asked for cannot be served.
#[derive(Debug, PartialEq, Eq)]
pub enum RevisionError {
    /// Replaced longer ago than the snapshots are kept (or pushed out by newer ones).
    NoLongerKept { asked: u64, current: u64 },
    /// Never served by this server (ahead of the current one).
    Unknown { asked: u64, current: u64 },
}

struct Replaced {
    revision: Revision,
    at: Instant,
}

/// The replaced revisions still kept, and for how long they are.
struct Kept {
    replaced: VecDeque<Replaced>,
    keep_for: Duration,
    keep_at_most: usize,
}

impl Kept {
    fn forget_expired(&mut self) {
        while self.replaced.len() > self.keep_at_most {
            self.replaced.pop_front();
        }
        while self
            .replaced
            .front()
            .is_some_and(|r| r.at.elapsed() > self.keep_for)
        {
            self.replaced.pop_front();
        }
    }
}

/// The current revision and the recently replaced ones.
pub struct Revisions {
    // The lock only guards swapping the pointer: readers clone the Arc and never wait on the
    // (slow) building of a new index.
    current: RwLock<Revision>,
    kept: Mutex<Kept>,
}

impl Revisions {
    /// Serves `index` as revision 1.
    pub fn new(index: EventIndex) -> Revisions {
        Revisions {
            current: RwLock::new(Revision {
                number: 1,
                index: Arc::new(index),
            }),
            kept: Mutex::new(Kept {
                replaced: VecDeque::new(),
                keep_for: KEEP_REPLACED_FOR,
                keep_at_most: KEEP_REPLACED_AT_MOST,
            }),
        }
    }

    /// From now on, keeps replaced revisions `keep_for`, at most `keep_at_most` of them.
    pub fn keep(&self, keep_for: Duration, keep_at_most: usize) {
        let mut kept = self.kept();
        kept.keep_for = keep_for;
        kept.keep_at_most = keep_at_most;
        kept.forget_expired();
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The revision served now; it stays valid however long the caller keeps it.
    pub fn current(&self) -> Revision {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            // A writer panicked mid-swap: the revision inside is still whole.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Revision `number`: the current one, or a replaced one still kept.
    pub fn at(&self, number: u64) -> Result<Revision, RevisionError> {
        let current = self.current();
        if number == current.number {
            return Ok(current);
        }
        if number > current.number {
            return Err(RevisionError::Unknown {
                asked: number,
                current: current.number,
            });
        }
        let mut kept = self.kept();
        kept.forget_expired();
        kept.replaced
            .iter()
            .find(|r| r.revision.number == number)
            .map(|r| r.revision.clone())
            .ok_or(RevisionError::NoLongerKept {
                asked: number,
                current: current.number,
            })
    }

    /// Serves `index` as the next revision; the one it replaces is kept for the walks on it.
    pub fn advance(&self, index: Arc<EventIndex>) {
        let old = {
            let mut guard = self.current.write().unwrap_or_else(|p| p.into_inner());
            let next = Revision {
                number: guard.number + 1,
                index,
            };
            std::mem::replace(&mut *guard, next)
        };
        let mut kept = self.kept();
        kept.replaced.push_back(Replaced {
            revision: old,
            at: Instant::now(),
        });
        kept.forget_expired();
    }

    /// Serves `index` under the current revision number: the same events, rebuilt (a
    /// compaction), so walks on this revision go on unchanged.
    pub fn rebuild(&self, index: Arc<EventIndex>) {
        let mut guard = self.current.write().unwrap_or_else(|p| p.into_inner());
        guard.index = index;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revisions(keep_at_most: usize) -> Revisions {
        let revisions = Revisions::new(EventIndex::default());
        revisions.keep(Duration::from_secs(60), keep_at_most);
        revisions
    }

    #[test]
    fn a_replaced_revision_is_served_while_kept() {
        let revisions = revisions(2);
        let first = revisions.current().index;
        revisions.advance(Arc::new(EventIndex::default()));
        assert_eq!(revisions.current().number, 2);
        let one = revisions.at(1).map(|r| r.index);
        assert!(one.is_ok_and(|i| Arc::ptr_eq(&i, &first)));
        revisions.advance(Arc::new(EventIndex::default()));
        revisions.advance(Arc::new(EventIndex::default()));
        // Three replaced, two kept: the oldest is gone.
        assert_eq!(
            revisions.at(1).err(),
            Some(RevisionError::NoLongerKept {
                asked: 1,
                current: 4
            })
        );
        assert!(revisions.at(2).is_ok() && revisions.at(3).is_ok());
        assert_eq!(
            revisions.at(9).err(),
            Some(RevisionError::Unknown {
                asked: 9,
                current: 4
            })
        );
    }

    #[test]
    fn a_rebuild_keeps_the_revision_number() {
        let revisions = revisions(2);
        let rebuilt = Arc::new(EventIndex::default());
        revisions.rebuild(Arc::clone(&rebuilt));
        let current = revisions.current();
        assert_eq!(current.number, 1);
        assert!(Arc::ptr_eq(&current.index, &rebuilt));
    }

    #[test]
    fn replaced_revisions_expire() {
        let revisions = Revisions::new(EventIndex::default());
        revisions.keep(Duration::ZERO, 8);
        revisions.advance(Arc::new(EventIndex::default()));
        std::thread::sleep(Duration::from_millis(2));
        assert!(revisions.at(1).is_err());
    }
}
