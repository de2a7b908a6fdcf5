//! What every fuzz target shares.

use std::sync::Once;

/// Runs libFuzzer's crash handler on an alternate signal stack, so that a
/// stack overflow is reported ("deadly signal") and its input saved as a
/// crash artifact. Without it (`-s none`: no sanitizer, and no Rust runtime
/// to install its own guard, since libFuzzer owns `main`), the handler runs
/// on the exhausted stack and the process dies of SIGSEGV with nothing
/// saved. Call it from the target body: libFuzzer installs its handlers
/// after `init`, and this adds `SA_ONSTACK` to them.
pub fn report_stack_overflows() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        const SIZE: usize = 1 << 20;
        let stack: &'static mut [u8] = Box::leak(vec![0u8; SIZE].into_boxed_slice());
        // SAFETY: the stack is leaked, so it outlives the thread; the
        // sigaction structs are plain data read back from the kernel.
        unsafe {
            let ss = libc::stack_t {
                ss_sp: stack.as_mut_ptr().cast(),
                ss_flags: 0,
                ss_size: SIZE,
            };
            if libc::sigaltstack(&ss, std::ptr::null_mut()) != 0 {
                return;
            }
            for sig in [libc::SIGSEGV, libc::SIGBUS] {
                let mut act: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(sig, std::ptr::null(), &mut act) == 0
                    && act.sa_sigaction != libc::SIG_DFL
                    && act.sa_sigaction != libc::SIG_IGN
                {
                    act.sa_flags |= libc::SA_ONSTACK;
                    libc::sigaction(sig, &act, std::ptr::null_mut());
                }
            }
        }
    });
}
