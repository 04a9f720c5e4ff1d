//! The component's allocator: talc, with freed small blocks kept per size class and handed
//! out again first.
//!
//! Written by hand because no allocator crate for wasm32 has a per-size free-list front:
//! talc (faster than wasi-libc's dlmalloc here) still costs ~14 ns per allocation or free in
//! the guest, and a request building a JSON answer makes hundreds of small ones. A free list
//! per 16-byte class turns the common case into a pointer pop. Components are
//! single-threaded (no `atomics` target feature), so the lists need no lock.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::ptr;

/// Size classes: 16, 32, .. 256 bytes.
const CLASS: usize = 16;
const CLASSES: usize = 16;
/// At most this many free blocks are kept per class; more go back to talc, so a burst of
/// small allocations does not stay reserved for one size.
const KEEP: u32 = 256;

/// A free list per class: the first block's address (each free block holds the next one's)
/// and how many blocks it holds.
struct Lists {
    heads: [*mut u8; CLASSES],
    counts: [u32; CLASSES],
}

/// `Inner` with per-class free lists in front of it.
pub(crate) struct Recycling<Inner> {
    inner: Inner,
    lists: UnsafeCell<Lists>,
}

// SAFETY: only built for targets without threads (see the `cfg` where it is installed), where
// nothing can reach the lists concurrently.
unsafe impl<Inner: Sync> Sync for Recycling<Inner> {}

impl<Inner> Recycling<Inner> {
    pub(crate) const fn new(inner: Inner) -> Self {
        Self {
            inner,
            lists: UnsafeCell::new(Lists {
                heads: [ptr::null_mut(); CLASSES],
                counts: [0; CLASSES],
            }),
        }
    }
}

/// The class of a layout small enough to recycle, and the layout its blocks really have.
fn class_of(layout: Layout) -> Option<(usize, Layout)> {
    if layout.size() > CLASS * CLASSES || layout.align() > CLASS {
        return None;
    }
    let class = layout.size().max(1).div_ceil(CLASS) - 1;
    // SAFETY: a nonzero multiple of 16 with alignment 16 is a valid layout.
    let block = unsafe { Layout::from_size_align_unchecked((class + 1) * CLASS, CLASS) };
    Some((class, block))
}

unsafe impl<Inner: GlobalAlloc> GlobalAlloc for Recycling<Inner> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some((class, block)) = class_of(layout) else {
            // SAFETY: forwarded as the caller gave it.
            return unsafe { self.inner.alloc(layout) };
        };
        // SAFETY: single-threaded (see `Sync` above); no other reference to the lists is live.
        let lists = unsafe { &mut *self.lists.get() };
        let head = lists.heads[class];
        if head.is_null() {
            // SAFETY: `block` is a valid, nonzero-sized layout.
            return unsafe { self.inner.alloc(block) };
        }
        // SAFETY: `head` is a free block of this class, 16-aligned and at least 16 bytes,
        // whose first word holds the next free block.
        lists.heads[class] = unsafe { head.cast::<*mut u8>().read() };
        lists.counts[class] -= 1;
        head
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some((class, block)) = class_of(layout) else {
            // SAFETY: forwarded as the caller gave it.
            return unsafe { self.inner.dealloc(ptr, layout) };
        };
        // SAFETY: as in `alloc`.
        let lists = unsafe { &mut *self.lists.get() };
        if lists.counts[class] >= KEEP {
            // SAFETY: the block came from `inner` with this class's layout.
            return unsafe { self.inner.dealloc(ptr, block) };
        }
        // SAFETY: the caller gives back a block it owned, of at least 16 bytes, 16-aligned.
        unsafe { ptr.cast::<*mut u8>().write(lists.heads[class]) };
        lists.heads[class] = ptr;
        lists.counts[class] += 1;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `new_size` with the old alignment is valid, as the caller promises.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class_of(layout), class_of(new_layout)) {
            // Both large: talc may grow or shrink in place.
            // SAFETY: forwarded as the caller gave it.
            (None, None) => unsafe { self.inner.realloc(ptr, layout, new_size) },
            // The same class: the block already fits.
            (Some((old, _)), Some((new, _))) if old == new => ptr,
            _ => {
                // SAFETY: `new_layout` is valid; the copy stays within both blocks.
                unsafe {
                    let moved = self.alloc(new_layout);
                    if !moved.is_null() {
                        ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    moved
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;

    #[test]
    fn a_freed_small_block_is_handed_out_again_and_large_ones_pass_through() {
        let alloc = Recycling::new(System);
        let small = Layout::from_size_align(24, 8).unwrap();
        let same_class = Layout::from_size_align(32, 16).unwrap();
        let large = Layout::from_size_align(4096, 8).unwrap();
        unsafe {
            let a = alloc.alloc(small);
            a.write_bytes(0xAB, 24);
            alloc.dealloc(a, small);
            let b = alloc.alloc(same_class);
            assert_eq!(a, b, "a 24- and a 32-byte block share the 32-byte class");
            let c = alloc.alloc(small);
            assert_ne!(b, c);
            // Growing within the class keeps the block; past it, the bytes move along.
            c.write_bytes(7, 24);
            let grown = alloc.realloc(c, small, 30);
            assert_eq!(grown, c, "24 to 30 bytes stays in the 32-byte class");
            let c = grown;
            let d = alloc.realloc(c, Layout::from_size_align(30, 8).unwrap(), 300);
            assert_eq!(std::slice::from_raw_parts(d, 24), [7; 24]);
            alloc.dealloc(d, Layout::from_size_align(300, 8).unwrap());
            alloc.dealloc(b, same_class);
            let l = alloc.alloc(large);
            alloc.dealloc(l, large);
        }
    }

    #[test]
    fn no_more_than_the_kept_number_of_blocks_stay_per_class() {
        let alloc = Recycling::new(System);
        let layout = Layout::from_size_align(8, 8).unwrap();
        let blocks: Vec<_> = (0..KEEP + 10)
            .map(|_| unsafe { alloc.alloc(layout) })
            .collect();
        for &block in &blocks {
            unsafe { alloc.dealloc(block, layout) };
        }
        let lists = unsafe { &*alloc.lists.get() };
        assert_eq!(lists.counts[0], KEEP);
        // The kept ones come back last-freed first.
        let again = unsafe { alloc.alloc(layout) };
        assert_eq!(again, blocks[KEEP as usize - 1]);
    }
}
