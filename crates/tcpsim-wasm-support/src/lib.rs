//! What both wasm-bindgen layers install the same way: the global allocator
//! and a panic hook that reports instead of leaving a dead page or worker.
//! Each layer calls [`set_panic_hook`] from its `#[wasm_bindgen(start)]`
//! with its own name and the global its page reads.

use wasm_bindgen::prelude::*;

// The page and the worker each run one thread; lol_alloc's free-list
// allocator is far smaller than the default dlmalloc and frees memory
// between redraws. A `#[global_allocator]` anywhere in the crate graph is
// the module's allocator.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without the atomics feature has one thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// Installs the panic hook: a panic's message and location (no payload
/// formatting machinery) go to [`report_panic`] as `"NAME panicked at
/// FILE: MESSAGE"`, with `global` the name of the global it is left in.
pub fn set_panic_hook(name: &'static str, global: &'static str) {
    std::panic::set_hook(Box::new(move |info| {
        let mut msg = String::from(name);
        msg.push_str(" panicked");
        if let Some(loc) = info.location() {
            msg.push_str(" at ");
            msg.push_str(loc.file());
        }
        let payload = info.payload();
        if let Some(s) = payload.downcast_ref::<&str>() {
            msg.push_str(": ");
            msg.push_str(s);
        } else if let Some(s) = payload.downcast_ref::<String>() {
            msg.push_str(": ");
            msg.push_str(s);
        }
        report_panic(global, &msg);
    }));
}

/// What the panic hook does with its message: log it, and leave it in
/// `globalThis[global]`, where the page's error box (or the worker's
/// message) reads it when the trap that follows reaches JavaScript as an
/// exception.
pub fn report_panic(global: &str, msg: &str) {
    web_sys::console::error_1(&JsValue::from_str(msg));
    if let Some(w) = js_sys::global().dyn_ref::<js_sys::Object>() {
        let _ = js_sys::Reflect::set(w, &JsValue::from_str(global), &JsValue::from_str(msg));
    }
}
