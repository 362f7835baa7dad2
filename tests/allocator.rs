#![cfg(unix)]
//! The settings rampart gives jemalloc reach it: read back through `mallctl` from a
//! process that declares the shipped allocator as the binary does.

rampart::shipped_allocator!();

/// One of jemalloc's `opt.*` values.
fn opt<T: Default>(name: &str) -> T {
    let name = std::ffi::CString::new(name).unwrap();
    let mut value = T::default();
    let mut len = std::mem::size_of::<T>();
    // SAFETY: `value` is a `T` of `len` bytes, the type jemalloc documents for the name
    // asked; nothing is written.
    let rc = unsafe {
        tikv_jemalloc_sys::mallctl(
            name.as_ptr(),
            (&mut value as *mut T).cast(),
            &mut len,
            std::ptr::null_mut(),
            0,
        )
    };
    assert_eq!(rc, 0, "mallctl {name:?}");
    value
}

#[test]
fn jemalloc_runs_with_the_shipped_settings() {
    // Allocate first (a small block, one of jemalloc's): it reads its settings then.
    let held = vec![0u8; 64];
    assert_eq!(opt::<usize>("opt.oversize_threshold"), 128 * 1024);
    assert_eq!(opt::<u32>("opt.narenas"), 2);
    drop(held);
}
